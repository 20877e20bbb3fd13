/**
 * `missionctl --help` and every subcommand's `--help` (issue 6): they exit 0 and are complete and
 * true: each flag a parser accepts is in its help, and each flag the help names is accepted.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BOT_USAGE } from "../../src/bot/main.ts";
import { COMMAND_NAMES, USAGE } from "../../src/cli.ts";
import { CONFIG_NAMES } from "../../src/config.ts";
import { DEMO_USAGE } from "../../src/demo/main.ts";
import { EXECUTOR_USAGE, parseExecutorArgs } from "../../src/executor/main.ts";
import { HISTORY_USAGE, parseHistoryArgs } from "../../src/history/main.ts";
import { KEYS_USAGE, parseKeysArgs } from "../../src/keys/main.ts";
import { PROXY_USAGE, parseProxyArgs } from "../../src/proxy/main.ts";
import { parseSendArgs, SEND_USAGE } from "../../src/send/main.ts";
import { START_USAGE } from "../../src/start.ts";
import { defaultHear, parseStrategyArgs, STRATEGY_USAGE } from "../../src/strategy/main.ts";
import { parseSyncArgs, SYNC_USAGE } from "../../src/sync/main.ts";
import { runCli } from "./run-cli.ts";

const HELPS: Record<string, string> = {
  start: START_USAGE,
  bot: BOT_USAGE,
  demo: DEMO_USAGE,
  strategy: STRATEGY_USAGE,
  send: SEND_USAGE,
  history: HISTORY_USAGE,
  proxy: PROXY_USAGE,
  keys: KEYS_USAGE,
  sync: SYNC_USAGE,
  executor: EXECUTOR_USAGE,
};

/** The `--long` options a module's parseArgs call declares, read from its source (help left out). */
function declaredOptions(sourcePath: string): string[] {
  const source = readFileSync(new URL(`../../${sourcePath}`, import.meta.url), "utf8");
  const names = [...source.matchAll(/"?([a-z][a-z-]*)"?: \{ type: "(?:string|boolean)"/g)].map(
    (m) => `--${m[1]}`,
  );
  expect(names.length).toBeGreaterThan(0);
  return names.filter((n) => n !== "--help").sort();
}

/** The `--long` flags a help text names. */
const flagsIn = (text: string): string[] => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();

/** The synopsis of a subcommand's help: its first line without "Usage: ". */
const synopsis = (help: string): string => (help.split("\n")[0] ?? "").replace(/^Usage: /, "");

describe("missionctl --help", () => {
  it.each([["--help"], ["-h"], ["help"]])("missionctl %s: the usage on stdout, exit 0", async (flag) => {
    const result = await runCli([flag]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(USAGE);
    expect(result.stderr).toBe("");
  });

  it("lists every subcommand with its subcommand's own synopsis, and says how to get more help", () => {
    const listed = [...USAGE.matchAll(/^ {2}missionctl ([a-z]+)/gm)].map((m) => m[1]);
    expect(listed.filter((c) => c !== undefined && COMMAND_NAMES.includes(c))).toEqual([...COMMAND_NAMES]);
    expect(Object.keys(HELPS).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) expect(USAGE).toContain(synopsis(HELPS[name] as string));
    expect(USAGE).toContain("missionctl <command> --help");
  });

  it("no command: the usage on stderr, exit 2", async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toBe(USAGE);
  });

  it("an unknown command: exit 2 naming it, with the usage", async () => {
    const result = await runCli(["launch"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('missionctl: unknown command "launch"');
    expect(result.stderr).toContain(USAGE);
  });
});

describe("missionctl <command> --help", () => {
  it.each(Object.keys(HELPS))("missionctl %s --help: its usage on stdout, exit 0", async (name) => {
    const result = await runCli([name, "--help"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(HELPS[name]);
    expect(result.stderr).toBe("");
    expect(HELPS[name]).toMatch(new RegExp(`^Usage: missionctl ${name}\\b`));
  });

  it("start --help is its own (not the bot's or the demo's), whatever the token", async () => {
    const withToken = await runCli(["start", "--help"], { TELEGRAM_BOT_TOKEN: "123:abc" });
    expect(withToken.code).toBe(0);
    expect(withToken.stdout.trim()).toBe(START_USAGE);
    // --help needs no valid configuration.
    const badConfig = await runCli(["start", "-h"], { LOG_LEVEL: "loud" });
    expect(badConfig.code).toBe(0);
    expect(badConfig.stdout.trim()).toBe(START_USAGE);
  });

  it.each(["start", "bot", "demo"])(
    "missionctl %s takes no arguments: exit 2 with its usage",
    async (name) => {
      const result = await runCli([name, "--verbose"]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(`missionctl ${name}: unexpected argument "--verbose"`);
      expect(result.stderr).toContain(HELPS[name]);
    },
  );

  it("start: a bad configuration value is reported clearly, exit 2", async () => {
    const result = await runCli(["start"], { LOG_LEVEL: "loud" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^missionctl start: invalid configuration:\n {2}LOG_LEVEL: must be one of/);
  });
});

describe("the help is true", () => {
  it("strategy: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/strategy/main.ts");
    expect(declared).toEqual(["--hear", "--heartbeat-ms", "--interval-ms", "--step-ms"]);
    expect(flagsIn(STRATEGY_USAGE)).toEqual(declared);
    expect(STRATEGY_USAGE).toContain("<id>");
    for (const flag of declared) {
      const value = flag === "--hear" ? "chatops" : "5";
      expect(() => parseStrategyArgs(["mm1", flag, value])).not.toThrow();
    }
    expect(parseStrategyArgs(["-h"])).toBe("help");
  });

  it("strategy: the defaults the help states are the parser's", () => {
    expect(parseStrategyArgs(["mm1"])).toEqual({
      id: "mm1",
      stepMs: 1000,
      intervalMs: 10_000,
      heartbeatMs: 5000,
    });
    expect(defaultHear("chatops")).toEqual(["chatops", "cli"]);
    expect(STRATEGY_USAGE).toContain("(default 1000,");
    expect(STRATEGY_USAGE).toContain("(default 10000,");
    expect(STRATEGY_USAGE).toContain("(default 5000,");
    expect(STRATEGY_USAGE).toContain("chatops,cli unless MISSIONCTL_ID is set");
  });

  it("send: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/send/main.ts");
    expect(declared).toEqual(["--as", "--timeout"]);
    // The send help also names the strategy's --hear (whom a strategy hears): not a send option.
    expect(flagsIn(SEND_USAGE).filter((f) => f !== "--hear")).toEqual(declared);
    for (const word of ["<target>", "<command_type>", "[json-payload]"]) expect(SEND_USAGE).toContain(word);
    expect(parseSendArgs(["mm1", "ping", "--as", "tool", "--timeout", "2500"])).toEqual({
      target: "mm1",
      type: "ping",
      payload: {},
      as: "tool",
      timeoutMs: 2500,
    });
    expect(parseSendArgs(["-h"])).toBe("help");
  });

  it("send: the defaults the help states are the parser's", () => {
    expect(parseSendArgs(["mm*", "status", '{"a":1}'])).toEqual({
      target: "mm*",
      type: "status",
      payload: { a: 1 },
      as: "cli",
    });
    expect(SEND_USAGE).toContain("(default cli)");
    expect(SEND_USAGE).toContain("(default {})");
  });

  it("proxy: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/proxy/main.ts");
    expect(declared).toEqual(["--allow", "--bind", "--cert", "--heartbeat-ms", "--id"]);
    expect(flagsIn(PROXY_USAGE)).toEqual(declared);
    const required = ["--bind", "tcp://127.0.0.1:7100", "--cert", "p.key_secret", "--allow", "allow"];
    expect(parseProxyArgs([...required, "--id", "hub", "--heartbeat-ms", "1000"])).toEqual({
      bind: "tcp://127.0.0.1:7100",
      cert: "p.key_secret",
      allow: "allow",
      id: "hub",
      heartbeatMs: 1000,
    });
    expect(parseProxyArgs(["-h"])).toBe("help");
  });

  it("proxy: the defaults the help states are the parser's", () => {
    expect(parseProxyArgs(["--bind", "tcp://*:7100", "--cert", "c", "--allow", "a"])).toMatchObject({
      id: "proxy",
      heartbeatMs: 5000,
    });
    expect(PROXY_USAGE).toContain("(default proxy)");
    expect(PROXY_USAGE).toContain("(default 5000,");
  });

  it("keys: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/keys/main.ts");
    expect(declared).toEqual(["--dir"]);
    expect(flagsIn(KEYS_USAGE)).toEqual(declared);
    expect(parseKeysArgs(["new", "mm1", "--dir", "keys"])).toEqual({ name: "mm1", dir: "keys" });
    expect(parseKeysArgs(["new", "mm1"])).toEqual({ name: "mm1", dir: "." });
    expect(KEYS_USAGE).toContain("(default the working directory)");
    expect(parseKeysArgs(["-h"])).toBe("help");
  });

  it("history: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/history/main.ts");
    expect(declared).toEqual(["--limit"]);
    expect(flagsIn(HISTORY_USAGE)).toEqual(declared);
    expect(HISTORY_USAGE).toContain("-n N");
    expect(parseHistoryArgs(["mm*", "-n", "5"])).toEqual({ target: "mm*", limit: 5 });
    expect(parseHistoryArgs(["--limit", "7"])).toEqual({ limit: 7 });
    expect(parseHistoryArgs([])).toEqual({ limit: 10 });
    expect(HISTORY_USAGE).toContain("(default 10,");
    expect(() => parseHistoryArgs(["-n", "0"])).toThrow(/-n must be/);
    expect(() => parseHistoryArgs(["mm 1"])).toThrow(/invalid target/);
    expect(parseHistoryArgs(["-h"])).toBe("help");
  });

  it("bot: the help names every configuration variable", () => {
    for (const name of CONFIG_NAMES) expect(BOT_USAGE).toContain(name);
  });

  it("demo, bot and start declare no flags, and their helps name none", () => {
    // `missionctl bot --help` may be mentioned; no other flag.
    for (const help of [DEMO_USAGE, BOT_USAGE, START_USAGE])
      expect(flagsIn(help).filter((f) => f !== "--help")).toEqual([]);
  });
});

describe("the help is true: sync and executor", () => {
  it("sync: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/sync/main.ts");
    expect(flagsIn(SYNC_USAGE)).toEqual(declared);
    const all = [
      "--base",
      "b",
      "--executor-log",
      "l",
      "--executor",
      "te1",
      "--strategy",
      "s",
      "--session",
      "u",
    ];
    expect(parseSyncArgs([...all, "--assume-no-pending", "--apply", "--overwrite", "--json"])).toEqual({
      base: "b",
      executorLog: "l",
      executor: "te1",
      strategy: "s",
      session: "u",
      assumeNoPending: true,
      apply: true,
      overwrite: true,
      json: true,
    });
    expect(() => parseSyncArgs(["--base", "b"])).toThrow(/--executor-log/);
    expect(parseSyncArgs(["-h"])).toBe("help");
  });

  it("executor: every option parsed is in the help, and every flag in the help is parsed", () => {
    const declared = declaredOptions("src/executor/main.ts");
    expect(flagsIn(EXECUTOR_USAGE)).toEqual(declared);
    expect(parseExecutorArgs(["te1", "--log-dir", "d", "--hear", "a,b"])).toEqual({
      id: "te1",
      logDir: "d",
      hear: ["a", "b"],
    });
    expect(() => parseExecutorArgs(["te1"])).toThrow(/--log-dir/);
  });
});
