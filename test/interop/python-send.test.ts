/**
 * The Python package's sender (`python3 -m missionctl.send`, PYTHONPATH=<repo>/python) driving real
 * TypeScript strategies (`missionctl strategy`) over ZeroMQ ipc, side by side with the TypeScript
 * `missionctl send`: the same reply lines (whole IPCCommands as JSON), the same exit codes (0 ok,
 * 1 error reply / timeout / not connected, 2 bad usage), and the one per-id lock in
 * IPC_DIR/locks shared by both. Bounds are generous (two busy cores); the assertions are about
 * behaviour, never speed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { IpcCommand } from "../../src/ipc/index.ts";
import { type CliResult, type CliRun, lines, runCli, startCli } from "../cli/run-cli.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { describePython } from "../python.ts";
import { type PyResult, runPython, startPython } from "./python-child.ts";

interface ReplyPayload {
  reply_to: string;
  status: "accepted" | "ok" | "error";
  result?: Record<string, unknown>;
  error?: string;
}
type Reply = IpcCommand & { payload: ReplyPayload };

/** Every stdout line is a whole IPCCommand reply in JSON: nothing else goes to stdout. */
function replies(result: { stdout: string; stderr: string }): Reply[] {
  return lines(result.stdout).map((line) => {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      throw new Error(`a stdout line that is not JSON: ${line}\nstderr: ${result.stderr}`);
    }
    expect(reply).toMatchObject({
      command_id: expect.any(String),
      sender_id: expect.any(String),
      target_id: expect.any(String),
      command_type: "reply",
      payload: { reply_to: expect.any(String), status: expect.stringMatching(/^(accepted|ok|error)$/) },
      timestamp: expect.any(Number),
    });
    return reply;
  });
}

/** The reply_to of every line: one command, the first `as` sent (`{as}_{timestamp_us}_1`). */
function expectOneCommand(rs: Reply[], as = "cli"): void {
  const ids = new Set(rs.map((r) => r.payload.reply_to));
  expect(ids.size).toBe(1);
  expect([...ids][0]).toMatch(new RegExp(`^${as}_\\d+_1$`));
  for (const r of rs) expect(r.target_id).toBe(as);
}

/** What must agree between the two senders' outputs: the lines' shape, not ids or timestamps. */
const shape = (result: { code: number | null; stdout: string; stderr: string }) => ({
  code: result.code,
  // Usage texts differ (each names its own command line); the other diagnostics are the same lines.
  stderr: result.code === 2 ? result.stderr.trim() !== "" : result.stderr.trim(),
  lines: replies(result).map((r) => ({
    keys: Object.keys(r).sort(),
    sender: r.sender_id,
    target: r.target_id,
    status: r.payload.status,
    resultKeys: Object.keys(r.payload.result ?? {}).sort(),
    hasError: r.payload.error !== undefined,
  })),
});

describePython("python -m missionctl.send driving TypeScript strategies", () => {
  // Made in beforeAll, so that a run that filters these tests out leaves no directory behind.
  const ipc = { dir: "", cleanup: () => {} };
  const env: Record<string, string> = {};
  const strategies = new Map<string, CliRun>();

  /** `python3 -m missionctl.send ...args` in this IPC_DIR, to its end. */
  const pySend = (args: string[], extra: Record<string, string> = {}): Promise<PyResult> =>
    runPython(["-m", "missionctl.send", ...args], ipc.dir, extra);
  /** `missionctl send ...args` (TypeScript) in this IPC_DIR, to its end. */
  const tsSend = (args: string[]): Promise<CliResult> => runCli(["send", ...args], env);

  /** Starts `missionctl strategy <id>` (hearing the default chatops,cli) and waits until it runs. */
  async function startStrategy(id: string, stepMs = "0"): Promise<CliRun> {
    const run = startCli(["strategy", id, "--interval-ms", "600000", "--step-ms", stepMs], env);
    strategies.set(id, run);
    await pollFor(
      () => run.stdout().includes('"msg":"strategy started"') || run.child.exitCode !== null,
      60_000,
      `${id} started`,
      () => run.stdout() + run.stderr(),
    );
    expect(run.child.exitCode).toBeNull();
    expect(existsSync(join(ipc.dir, "command", `${id}.ipc`))).toBe(true);
    return run;
  }

  beforeAll(async () => {
    Object.assign(ipc, tempIpcDir());
    env.MISSIONCTL_IPC_DIR = ipc.dir;
    await Promise.all([startStrategy("tsmm1"), startStrategy("tsmm2"), startStrategy("tsslow", "600000")]);
  }, 90_000);

  afterAll(async () => {
    for (const run of strategies.values()) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
      await run.done;
    }
    ipc.cleanup();
  });

  it("ping: exit 0 and one JSON line, the whole ok reply for the command sent", async () => {
    const result = await pySend(["tsmm1", "ping"]);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expect(rs).toHaveLength(1);
    expectOneCommand(rs);
    expect(rs[0]).toMatchObject({
      command_id: expect.stringMatching(/^tsmm1_\d+_\d+$/),
      sender_id: "tsmm1",
      payload: { status: "ok", result: { state: "sleeping" } },
    });
  });

  it("a payload object is passed on, and --as sends as another id the strategy hears", async () => {
    const result = await pySend(["tsmm1", "status", '{"verbose": true}', "--as", "chatops"]);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expect(rs).toHaveLength(1);
    expectOneCommand(rs, "chatops");
    expect(rs[0]?.payload).toMatchObject({
      status: "ok",
      result: { state: "sleeping", step: 1, uptime_s: expect.any(Number), next_step_at: expect.any(Number) },
    });
  });

  it("an unknown type: the error reply is printed, exit 1", async () => {
    const result = await pySend(["tsmm1", "no_such_type"]);
    expect(result.code, result.stderr).toBe(1);
    const rs = replies(result);
    expectOneCommand(rs);
    expect(rs.at(-1)).toMatchObject({
      sender_id: "tsmm1",
      payload: { status: "error", error: expect.stringContaining("no_such_type") },
    });
  });

  it("a group target: one ok reply from each process it matches, exit 0", async () => {
    const result = await pySend(["tsmm*", "status"]);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs);
    const terminal = rs.filter((r) => r.payload.status !== "accepted");
    expect(terminal.map((r) => r.sender_id).sort()).toEqual(["tsmm1", "tsmm2"]);
    for (const r of terminal)
      expect(r.payload).toMatchObject({ status: "ok", result: { state: "sleeping" } });
  });

  it("a target that is not connected: exit 1, nothing on stdout, a line on stderr naming it", async () => {
    const result = await pySend(["ghost", "ping", "--timeout", "2000"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/ghost/);
    expect(result.stderr).toMatch(/not connected/);
  });

  it.each([
    ["an invalid target", ["bad.id", "ping"]],
    ["an invalid command type", ["tsmm1", "Ping"]],
    ["an invalid --as id", ["tsmm1", "ping", "--as", "a b"]],
    ["a payload that is an array", ["tsmm1", "ping", "[1, 2]"]],
    ["a payload that is null", ["tsmm1", "ping", "null"]],
    ["a payload that is not JSON", ["tsmm1", "ping", "{nope"]],
    ["a missing command type", ["tsmm1"]],
    ["a bad --timeout", ["tsmm1", "ping", "--timeout", "soon"]],
  ])("bad usage, %s: exit 2, nothing on stdout, a line on stderr", async (_what, args) => {
    const result = await pySend(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).not.toBe("");
  });

  it("prints the same shape of lines, with the same exit codes, as the TypeScript missionctl send", async () => {
    const cases = [
      ["tsmm1", "ping"],
      ["tsmm1", "status", "{}", "--as", "chatops"],
      ["tsmm1", "no_such_type"],
      ["tsmm*", "ping"],
      ["ghost", "ping", "--timeout", "2000"],
      ["zz*", "ping", "--timeout", "2000"],
      ["bad.id", "ping"],
      ["tsmm1", "ping", "[1]"],
    ];
    for (const args of cases) {
      // One after the other: both would send as cli and wait for each other's lock anyway.
      const ts = await tsSend(args);
      const py = await pySend(args);
      const tsShape = shape(ts);
      const pyShape = shape(py);
      // A group's replies arrive in any order.
      for (const s of [tsShape, pyShape]) s.lines.sort((a, b) => a.sender.localeCompare(b.sender));
      // Same exit code, same lines, the same diagnostics on stderr.
      expect({ args, ...pyShape }, py.stderr).toEqual({ args, ...tsShape });
    }
  }, 180_000);

  it("a Python send holding the cli lock makes a TypeScript send wait for it; a timeout is exit 1", async () => {
    const lock = join(ipc.dir, "locks", "cli.lock");
    // finish_and_exit to a strategy in a ten-minute step: accepted at once, no ok within the 15 s
    // timeout (ample for a TypeScript send to start meanwhile on a busy machine).
    const py = startPython(
      ["-m", "missionctl.send", "tsslow", "finish_and_exit", "--timeout", "15000"],
      ipc.dir,
    );
    await pollFor(
      () => (existsSync(lock) && readFileSync(lock, "utf8").trim() === String(py.proc.pid)) || py.exited(),
      20_000,
      "the Python send to hold IPC_DIR/locks/cli.lock with its pid",
      py.output,
    );
    expect(py.exited(), py.output()).toBe(false);
    const ts = await tsSend(["tsmm1", "ping"]);
    const pyResult = await py.done;
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stderr).toContain(`waiting for "cli" (held by pid ${py.proc.pid})`);
    expect(replies(ts).at(-1)?.payload.status).toBe("ok");
    // The Python send printed the interim accepted, then timed out: exit 1, said on stderr.
    expect(pyResult.code, pyResult.stderr).toBe(1);
    const rs = replies(pyResult);
    expectOneCommand(rs);
    expect(rs.map((r) => r.payload.status)).toEqual(["accepted"]);
    expect(pyResult.stderr).toMatch(/tsslow/);
    expect(existsSync(lock)).toBe(false);
  }, 90_000);

  it("a TypeScript send holding the cli lock makes a Python send wait for it", async () => {
    const lock = join(ipc.dir, "locks", "cli.lock");
    // tsslow is stopping already; another finish_and_exit joins the stop: accepted, no ok in time.
    const ts = startCli(["send", "tsslow", "finish_and_exit", "--timeout", "15000"], env);
    await pollFor(
      () =>
        (existsSync(lock) && readFileSync(lock, "utf8").trim() === String(ts.child.pid)) ||
        ts.child.exitCode !== null,
      30_000,
      "the TypeScript send to hold IPC_DIR/locks/cli.lock with its pid",
      ts.stderr,
    );
    expect(ts.child.exitCode, ts.stderr()).toBeNull();
    const heldSince = Date.now();
    const py = await pySend(["tsmm1", "ping"]);
    const tsResult = await ts.done;
    expect(py.code, py.stderr).toBe(0);
    expect(replies(py).at(-1)?.payload.status).toBe("ok");
    expect(tsResult.code, tsResult.stderr).toBe(1);
    // The TypeScript send holds the lock for its whole 15 s wait; the Python send, which alone
    // would take well under that, could only send once the lock was let go.
    expect(py.endedAt - heldSince).toBeGreaterThanOrEqual(10_000);
    expect(py.stderr).toContain(`waiting for "cli" (held by pid ${ts.child.pid})`);
    expect(existsSync(lock)).toBe(false);
  }, 90_000);

  it("finish_and_exit: accepted then ok lines, exit 0, and the TypeScript strategy exits 0", async () => {
    const result = await pySend(["tsmm2", "finish_and_exit"]);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs);
    expect(rs.map((r) => r.payload.status)).toEqual(["accepted", "ok"]);
    expect(rs[1]?.payload.result).toMatchObject({
      state: "stopping",
      reason: "finish_and_exit",
      exit_code: 0,
    });
    const done = await strategies.get("tsmm2")?.done;
    expect(done?.code, done?.stderr).toBe(0);
  }, 60_000);
});
