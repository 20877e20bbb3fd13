import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { parseDotenv } from "../src/dotenv.ts";

const load = (env: Record<string, string>) => loadConfig(env, { envFile: false });

describe("loadConfig", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("applies the README's configuration defaults", () => {
    const c = load({});
    expect(c).toMatchObject({
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      MISSIONCTL_ID: "chatops",
      MISSIONCTL_IPC_DIR: "/tmp/missionctl",
      MISSIONCTL_PROCESSES: [],
      MISSIONCTL_OPERATORS: [],
      MISSIONCTL_VIEWERS: [],
      MISSIONCTL_ALERT_CHATS: [],
      MISSIONCTL_REPLY_TIMEOUT_MS: 10_000,
      MISSIONCTL_HEARTBEAT_GRACE: 3,
      MISSIONCTL_ALERT_REPEAT_MS: 1_800_000,
      MISSIONCTL_STATE: "~/.local/state/missionctl/state.db",
      MISSIONCTL_FORGET_AFTER_MS: 604_800_000,
      LOG_LEVEL: "info",
    });
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it("parses lists and numbers; alert chats default to the operators' private chats", () => {
    const c = load({
      MISSIONCTL_PROCESSES: "mm1, mm2=tcp://127.0.0.5:7001",
      MISSIONCTL_OPERATORS: "1,2",
      MISSIONCTL_VIEWERS: "3",
      MISSIONCTL_REPLY_TIMEOUT_MS: "2500",
    });
    expect(c.MISSIONCTL_PROCESSES).toEqual(["mm1", "mm2=tcp://127.0.0.5:7001"]);
    expect(c.MISSIONCTL_OPERATORS).toEqual([1, 2]);
    expect(c.MISSIONCTL_VIEWERS).toEqual([3]);
    expect(c.MISSIONCTL_ALERT_CHATS).toEqual([1, 2]);
    expect(c.MISSIONCTL_REPLY_TIMEOUT_MS).toBe(2500);
    expect(
      load({ MISSIONCTL_OPERATORS: "1", MISSIONCTL_ALERT_CHATS: "-100200" }).MISSIONCTL_ALERT_CHATS,
    ).toEqual([-100200]);
  });

  it("treats empty values as unset", () => {
    const c = load({ TELEGRAM_BOT_TOKEN: "", MISSIONCTL_ID: "  ", MISSIONCTL_REPLY_TIMEOUT_MS: "" });
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c.MISSIONCTL_ID).toBe("chatops");
    expect(c.MISSIONCTL_REPLY_TIMEOUT_MS).toBe(10_000);
  });

  it("is frozen, arrays included", () => {
    const c = load({ MISSIONCTL_OPERATORS: "1" });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.MISSIONCTL_OPERATORS)).toBe(true);
  });

  it("reports every bad value at once, one line each, without echoing the token", () => {
    let error: unknown;
    try {
      load({
        TELEGRAM_BOT_TOKEN: "not-a-token-secret",
        TELEGRAM_API_ROOT: "ftp://x",
        MISSIONCTL_ID: "bad.id",
        MISSIONCTL_PROCESSES: "mm1,bad id",
        MISSIONCTL_OPERATORS: "12,abc",
        MISSIONCTL_REPLY_TIMEOUT_MS: "0",
        MISSIONCTL_HEARTBEAT_GRACE: "x",
        LOG_LEVEL: "loud",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe("INVALID_CONFIG");
    expect(e.problems).toHaveLength(8);
    for (const name of ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_ROOT", "MISSIONCTL_ID", "MISSIONCTL_PROCESSES"]) {
      expect(e.problems.some((p) => p.startsWith(`${name}: `))).toBe(true);
    }
    expect(e.message).not.toContain("not-a-token-secret");
    expect(e.problems.find((p) => p.startsWith("MISSIONCTL_OPERATORS"))).toContain('"abc"');
  });

  it("reads .env when present; the environment wins", () => {
    dir = mkdtempSync(join(tmpdir(), "mctl-cfg-"));
    const file = join(dir, ".env");
    writeFileSync(
      file,
      "# comment\nMISSIONCTL_ID=fromfile\nexport MISSIONCTL_OPERATORS='5,6'\nLOG_LEVEL=debug # inline\n",
    );
    const c = loadConfig({ LOG_LEVEL: "warn" }, { envFile: file });
    expect(c.MISSIONCTL_ID).toBe("fromfile");
    expect(c.MISSIONCTL_OPERATORS).toEqual([5, 6]);
    expect(c.LOG_LEVEL).toBe("warn");
    expect(loadConfig({}, { envFile: join(dir, "missing.env") }).MISSIONCTL_ID).toBe("chatops");
  });
});

describe("parseDotenv (node's util.parseEnv, a line at a time)", () => {
  it("handles comments, quotes, export and inline comments", () => {
    expect(
      parseDotenv('A=1\n\n# x\nexport B="two words"\nC=\'#not comment\'\nD=v # c\nbad line\nE="a\\nb"'),
    ).toEqual({
      A: "1",
      B: "two words",
      C: "#not comment",
      D: "v",
      E: "a\nb",
    });
  });

  it("follows parseEnv: a # ends an unquoted value, backticks quote, spaces around = and CRLF are fine", () => {
    expect(parseDotenv("F=x#y\r\nG=`g h`\r\n  H = 1  \r\nexport   I=i\nJ=a=b\nK=")).toEqual({
      F: "x",
      G: "g h",
      H: "1",
      I: "i",
      J: "a=b",
      K: "",
    });
  });

  it("one variable per line: a stray line or an unclosed quote costs only its own line", () => {
    // On the whole text, node 20's parseEnv reads "bad line\nA" as one name and lets the unclosed
    // quote run on into the lines below it.
    expect(parseDotenv('bad line\nA=1\n=x\nB="unclosed\nC=3\nD="multi\nline"\n1E=5')).toEqual({
      A: "1",
      C: "3",
    });
  });
});

describe("loadConfig: durations beyond a sane maximum (issue 10)", () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      load(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it.each([
    ["MISSIONCTL_REPLY_TIMEOUT_MS", "3000000000", 3_600_000],
    ["MISSIONCTL_ALERT_REPEAT_MS", "3000000000", 2_592_000_000],
    ["MISSIONCTL_HEARTBEAT_GRACE", "1001", 1000],
  ])("refuses %s=%s, naming the maximum %d", (name, raw, max) => {
    expect(problemsOf({ [name]: raw })).toEqual([
      `${name}: must be a positive integer of at most ${max} (got "${raw}")`,
    ]);
  });

  it("takes each maximum itself: a 30-day alert repeat, a one-hour reply timeout, a grace of 1000", () => {
    const c = load({
      MISSIONCTL_REPLY_TIMEOUT_MS: "3600000",
      MISSIONCTL_ALERT_REPEAT_MS: "2592000000",
      MISSIONCTL_HEARTBEAT_GRACE: "1000",
    });
    expect(c.MISSIONCTL_REPLY_TIMEOUT_MS).toBe(3_600_000);
    expect(c.MISSIONCTL_ALERT_REPEAT_MS).toBe(2_592_000_000);
    expect(c.MISSIONCTL_HEARTBEAT_GRACE).toBe(1000);
  });
});

describe("proxy mode configuration", () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      load(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };
  const certs = { MISSIONCTL_CERT: "/k/mm1.key_secret", MISSIONCTL_PROXY_CERT: "/k/proxy.key" };

  it("defaults: no proxy (ipc), link heartbeats 1 s / 3 s, connect timeout 1 s", () => {
    const c = load({});
    expect(c.MISSIONCTL_PROXY).toBeUndefined();
    expect(c.MISSIONCTL_CERT).toBeUndefined();
    expect(c.MISSIONCTL_PROXY_CERT).toBeUndefined();
    expect(c).toMatchObject({
      MISSIONCTL_LINK_HEARTBEAT_MS: 1000,
      MISSIONCTL_LINK_TIMEOUT_MS: 3000,
      MISSIONCTL_CONNECT_TIMEOUT_MS: 1000,
    });
  });

  it("takes a proxy off loopback with both certificates, and the link timings", () => {
    const c = load({
      MISSIONCTL_PROXY: "tcp://10.0.0.5:7100",
      ...certs,
      MISSIONCTL_LINK_HEARTBEAT_MS: "500",
      MISSIONCTL_LINK_TIMEOUT_MS: "2000",
      MISSIONCTL_CONNECT_TIMEOUT_MS: "250",
    });
    expect(c).toMatchObject({
      MISSIONCTL_PROXY: "tcp://10.0.0.5:7100",
      ...certs,
      MISSIONCTL_LINK_HEARTBEAT_MS: 500,
      MISSIONCTL_LINK_TIMEOUT_MS: 2000,
      MISSIONCTL_CONNECT_TIMEOUT_MS: 250,
    });
  });

  it("in proxy mode, each missing certificate is one line", () => {
    expect(problemsOf({ MISSIONCTL_PROXY: "tcp://10.0.0.5:7100" })).toEqual([
      expect.stringMatching(
        /^MISSIONCTL_CERT: required in proxy mode \(MISSIONCTL_PROXY is set\): .*key_secret/,
      ),
      expect.stringMatching(
        /^MISSIONCTL_PROXY_CERT: required in proxy mode \(MISSIONCTL_PROXY is set\): .*\*\.key/,
      ),
    ]);
    expect(
      problemsOf({ MISSIONCTL_PROXY: "tcp://10.0.0.5:7100", MISSIONCTL_CERT: "/k/a.key_secret" }),
    ).toEqual([expect.stringMatching(/^MISSIONCTL_PROXY_CERT: required/)]);
  });

  it("refuses a proxy address whose backend (PORT + 1) is no port, or that is not tcp://HOST:PORT", () => {
    expect(problemsOf({ MISSIONCTL_PROXY: "tcp://10.0.0.5:65535", ...certs })).toEqual([
      expect.stringMatching(/^MISSIONCTL_PROXY: .*PORT \+ 1 is the backend/),
    ]);
    expect(problemsOf({ MISSIONCTL_PROXY: "10.0.0.5:7100", ...certs })).toEqual([
      expect.stringMatching(/^MISSIONCTL_PROXY: .*not tcp:\/\/HOST:PORT/),
    ]);
  });

  it("reports a bad proxy value together with the other bad values, in one run", () => {
    const problems = problemsOf({ MISSIONCTL_PROXY: "tcp://*:7100", LOG_LEVEL: "loud" });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "MISSIONCTL_PROXY",
      "LOG_LEVEL",
      "MISSIONCTL_CERT",
      "MISSIONCTL_PROXY_CERT",
    ]);
  });

  it.each([
    ["MISSIONCTL_LINK_HEARTBEAT_MS", "60001", 60_000],
    ["MISSIONCTL_LINK_TIMEOUT_MS", "600001", 600_000],
    ["MISSIONCTL_CONNECT_TIMEOUT_MS", "60001", 60_000],
  ])("refuses %s=%s, naming the maximum %d", (name, raw, max) => {
    expect(problemsOf({ [name]: raw })).toContain(
      `${name}: must be a positive integer of at most ${max} (got "${raw}")`,
    );
  });

  it("refuses a link timeout that is not longer than the heartbeat interval", () => {
    expect(problemsOf({ MISSIONCTL_LINK_HEARTBEAT_MS: "3000", MISSIONCTL_LINK_TIMEOUT_MS: "3000" })).toEqual([
      "MISSIONCTL_LINK_TIMEOUT_MS: must be longer than MISSIONCTL_LINK_HEARTBEAT_MS (3000 <= 3000)",
    ]);
  });

  it("operations: metrics off, long polling, webhook listen 127.0.0.1:8443, English", () => {
    const c = load({});
    expect(c.MISSIONCTL_METRICS).toBeUndefined();
    expect(c.TELEGRAM_WEBHOOK_URL).toBeUndefined();
    expect(c.TELEGRAM_WEBHOOK_LISTEN).toEqual({ host: "127.0.0.1", port: 8443 });
    expect(c.MISSIONCTL_LANG).toBe("en");
  });

  it("takes a metrics address, a webhook with its secret, and Chinese", () => {
    const c = load({
      MISSIONCTL_METRICS: "0.0.0.0:9464",
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/tg",
      TELEGRAM_WEBHOOK_LISTEN: "[::1]:8443",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_-X",
      MISSIONCTL_LANG: "zh",
    });
    expect(c.MISSIONCTL_METRICS).toEqual({ host: "0.0.0.0", port: 9464 });
    expect(c.TELEGRAM_WEBHOOK_LISTEN).toEqual({ host: "::1", port: 8443 });
    expect(c).toMatchObject({ TELEGRAM_WEBHOOK_SECRET: "s3cret_-X", MISSIONCTL_LANG: "zh" });
  });

  it("refuses bad operations values, one line each, and never echoes the webhook secret", () => {
    const problems = problemsOf({
      MISSIONCTL_METRICS: "9464",
      TELEGRAM_WEBHOOK_URL: "http://bot.example.com/tg",
      TELEGRAM_WEBHOOK_LISTEN: "127.0.0.1:0",
      TELEGRAM_WEBHOOK_SECRET: "has spaces and $ecret",
      MISSIONCTL_LANG: "fr",
    });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "MISSIONCTL_METRICS",
      "TELEGRAM_WEBHOOK_URL",
      "TELEGRAM_WEBHOOK_LISTEN",
      "TELEGRAM_WEBHOOK_SECRET",
      "MISSIONCTL_LANG",
    ]);
    expect(problems.join("\n")).not.toContain("$ecret");
    expect(problemsOf({ TELEGRAM_WEBHOOK_URL: "https://bot.example.com/tg" })).toEqual([
      expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL/),
    ]);
  });
});
