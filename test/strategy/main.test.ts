import { afterEach, describe, expect, it, vi } from "vitest";
import {
  defaultHear,
  parseStrategyArgs,
  runStrategyCommand,
  STRATEGY_USAGE,
  strategyEnv,
} from "../../src/strategy/main.ts";

afterEach(() => vi.restoreAllMocks());

describe("parseStrategyArgs", () => {
  it("takes the id and the flags of the README's command line, with defaults", () => {
    expect(parseStrategyArgs(["mm1"])).toEqual({
      id: "mm1",
      stepMs: 1000,
      intervalMs: 10_000,
      heartbeatMs: 5000,
    });
    expect(
      parseStrategyArgs([
        "mm-2",
        "--step-ms",
        "0",
        "--interval-ms=600000",
        "--heartbeat-ms",
        "250",
        "--hear",
        "bot,cli",
      ]),
    ).toEqual({ id: "mm-2", stepMs: 0, intervalMs: 600_000, heartbeatMs: 250, hear: ["bot", "cli"] });
    expect(parseStrategyArgs(["--help"])).toBe("help");
  });

  it.each([
    [[], /missing <id>/],
    [["mm.1"], /invalid id "mm.1"/],
    [["mm*"], /invalid id/],
    [["mm1", "--step-ms", "fast"], /--step-ms takes a non-negative integer/],
    [["mm1", "--interval-ms", "-5"], /--interval-ms/],
    [["mm1", "--heartbeat-ms", "0"], /--heartbeat-ms takes a positive integer/],
    [["mm1", "--interval-ms", "1e3"], /--interval-ms/],
    [["mm1", "--hear", "a b"], /--hear: invalid process id/],
    [["mm1", "--bogus"], /bogus/],
    [["mm1", "extra"], /unexpected argument "extra"/],
    // Issue 10: beyond a sane maximum, refused with the maximum named.
    [
      ["mm1", "--interval-ms", "31536000001"],
      /--interval-ms takes .* of at most 31536000000, not "31536000001"/,
    ],
    [["mm1", "--step-ms", "99999999999999"], /--step-ms takes .* of at most 31536000000/],
    [
      ["mm1", "--heartbeat-ms", "86400001"],
      /--heartbeat-ms takes a positive integer \(ms\) of at most 86400000/,
    ],
  ])("refuses %j", (args, message) => {
    expect(() => parseStrategyArgs(args as string[])).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(() => parseStrategyArgs(args as string[])).toThrow(message as RegExp);
  });

  it("takes a 35-day interval (beyond a Node timer's 2^31−1 ms) as given", () => {
    expect(parseStrategyArgs(["mm1", "--interval-ms", "3024000000"])).toMatchObject({
      intervalMs: 3_024_000_000,
    });
    expect(parseStrategyArgs(["mm1", "--heartbeat-ms", "86400000"])).toMatchObject({
      heartbeatMs: 86_400_000,
    });
  });
});

describe("runStrategyCommand", () => {
  it("exits 2 with a clear message on bad usage", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await runStrategyCommand(["bad id"])).toBe(2);
    expect(err.mock.calls[0]?.[0]).toMatch(/^missionctl strategy: invalid id "bad id"/);
    expect(await runStrategyCommand(["mm1", "--step-ms", "x"])).toBe(2);
    err.mockClear();
    expect(await runStrategyCommand(["mm1", "--interval-ms", "99999999999999"])).toBe(2);
    expect(err.mock.calls[0]?.[0]).toMatch(
      /^missionctl strategy: --interval-ms takes .* of at most 31536000000/,
    );
  });

  it("--help prints the usage, which names every flag, and exits 0", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await runStrategyCommand(["--help"])).toBe(0);
    expect(log).toHaveBeenCalledWith(STRATEGY_USAGE);
    for (const flag of [
      "--step-ms",
      "--interval-ms",
      "--heartbeat-ms",
      "--hear",
      "MISSIONCTL_IPC_DIR",
      "LOG_LEVEL",
    ]) {
      expect(STRATEGY_USAGE).toContain(flag);
    }
  });

  it("reads MISSIONCTL_IPC_DIR, LOG_LEVEL and MISSIONCTL_ID from the configuration", () => {
    expect(strategyEnv({ MISSIONCTL_IPC_DIR: "/tmp/x", LOG_LEVEL: "debug" })).toEqual({
      ipcDir: "/tmp/x",
      logLevel: "debug",
      botId: "chatops",
    });
    expect(strategyEnv({ MISSIONCTL_ID: "bot2" }).botId).toBe("bot2");
  });

  it("hears the bot (MISSIONCTL_ID) and cli unless --hear says otherwise (docs/protocol.md)", () => {
    expect(defaultHear("chatops")).toEqual(["chatops", "cli"]);
    expect(defaultHear("bot2")).toEqual(["bot2", "cli"]);
    expect(defaultHear("cli")).toEqual(["cli"]);
    expect(parseStrategyArgs(["mm1"])).not.toHaveProperty("hear");
    expect(parseStrategyArgs(["mm1", "--hear", "a,b"])).toMatchObject({ hear: ["a", "b"] });
  });
});
