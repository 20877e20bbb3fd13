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

describe("parseDotenv", () => {
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
