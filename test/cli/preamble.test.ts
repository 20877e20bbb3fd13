/** The one preamble of every `missionctl <command>` (issue 11), in process. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { commandPreamble, exitCodeOf, noArguments, parseOptions } from "../../src/cli-preamble.ts";
import { ConfigError } from "../../src/config.ts";
import { MissionctlError, UsageError } from "../../src/errors.ts";
import { IpcError } from "../../src/ipc/errors.ts";

afterEach(() => vi.restoreAllMocks());

describe("parseOptions", () => {
  it("gives values and positionals, 'help' for --help or -h", () => {
    expect(parseOptions(["mm1", "--as", "tool"], { as: { type: "string" } })).toEqual({
      values: { as: "tool" },
      positionals: ["mm1"],
    });
    expect(parseOptions(["mm1", "-h"], { as: { type: "string" } })).toBe("help");
  });

  it("turns node's refusals into a UsageError", () => {
    expect(() => parseOptions(["--bogus"], {})).toThrow(UsageError);
    expect(() => parseOptions(["--as"], { as: { type: "string" } })).toThrow(/--as/);
  });
});

describe("noArguments (parseArgs, lenient)", () => {
  it("'help' for --help or -h wherever it is; nothing for no arguments", () => {
    expect(noArguments([])).toBeUndefined();
    expect(noArguments(["-h"])).toBe("help");
    expect(noArguments(["x", "--bogus", "--help"])).toBe("help");
  });

  it("names the first other argument as it was given", () => {
    expect(() => noArguments(["--level=debug", "x"])).toThrow('unexpected argument "--level=debug"');
    expect(() => noArguments(["x", "--bogus"])).toThrow('unexpected argument "x"');
    expect(() => noArguments(["-v"])).toThrow('unexpected argument "-v"');
  });
});

describe("commandPreamble", () => {
  it("--help: the usage on stdout, exit 0", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(commandPreamble("bot", "Usage: x", ["--verbose", "--help"], noArguments)).toBe(0);
    expect(log).toHaveBeenCalledWith("Usage: x");
  });

  it("bad usage: the message and the usage on stderr, exit 2", () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(commandPreamble("demo", "Usage: x", ["--verbose"], noArguments)).toBe(2);
    expect(err).toHaveBeenCalledWith('missionctl demo: unexpected argument "--verbose"\n\nUsage: x');
  });

  it("no arguments: the arguments and this process's configuration", () => {
    const start = commandPreamble("start", "Usage: x", [], noArguments);
    expect(start).toMatchObject({ args: undefined, config: { MISSIONCTL_IPC_DIR: expect.any(String) } });
  });

  it("lets other errors of the parser through", () => {
    const boom = new Error("boom");
    expect(() =>
      commandPreamble("send", "Usage: x", [], () => {
        throw boom;
      }),
    ).toThrow(boom);
  });
});

describe("exitCodeOf", () => {
  it("2 for what the operator must fix, 1 for the rest", () => {
    expect(exitCodeOf(new IpcError("UNSAFE_IPC_DIR", "unsafe IPC directory /x"))).toBe(2);
    expect(exitCodeOf(new ConfigError(["LOG_LEVEL: bad"]))).toBe(2);
    expect(exitCodeOf(new UsageError("bad"))).toBe(2);
    expect(exitCodeOf(new IpcError("CLOSED", "closed"))).toBe(1);
    expect(exitCodeOf("a string")).toBe(1);
  });
});

describe("the error base", () => {
  it("every typed error is a MissionctlError with its own name, code and context", () => {
    const e = new ConfigError(["LOG_LEVEL: bad"]);
    expect(e).toBeInstanceOf(MissionctlError);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.context]).toEqual([
      "ConfigError",
      "INVALID_CONFIG",
      { problems: ["LOG_LEVEL: bad"] },
    ]);
    const u = new UsageError("bad");
    expect([u.name, u.code, u.message]).toEqual(["UsageError", "USAGE", "bad"]);
    const cause = new Error("root");
    expect(new MissionctlError("X", "wrapped", {}, { cause }).cause).toBe(cause);
  });
});
