/**
 * Python processes for the cross tests between the TypeScript side and the Python package
 * `missionctl` (python/missionctl/): a Python strategy driven by a TypeScript `cli` command system
 * over real ZeroMQ ipc, and one-shot Python commands (`python3 -m missionctl.send`). The package is
 * found by PYTHONPATH=<repo>/python; the interpreter is test/python.ts's (Debian's, with pyzmq).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type IpcCommand, IpcCommandSystem, type RequestResult, ZmqTransport } from "../../src/ipc/index.ts";
import { pollFor, TapTransport } from "../helpers.ts";
import { PYTHON } from "../python.ts";

/** The repository's root and its Python package directory, absolute. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PYTHON_PATH = fileURLToPath(new URL("../../python", import.meta.url));

/** This process's environment with PYTHONPATH=<repo>/python, MISSIONCTL_IPC_DIR and `env` on top. */
export function pythonEnv(ipcDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: PYTHON_PATH, MISSIONCTL_IPC_DIR: ipcDir, ...env };
}

/** `python3 -m missionctl.strategy ID ...flags`, the package's demo strategy. */
export const strategyArgv = (id: string, ...flags: string[]): string[] => [
  "-m",
  "missionctl.strategy",
  id,
  ...flags,
];

/** A running Python process: its output so far and its end. */
export interface PyProcess {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** stdout and stderr, for failure messages. */
  output: () => string;
  /** Resolves when the process has exited and its output is all read. */
  done: Promise<PyResult>;
  exited: () => boolean;
  /** SIGKILLs the process if it still runs, and waits for its end. */
  kill: () => Promise<PyResult>;
}

export interface PyResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Date.now() when the process ended (its output closed). */
  endedAt: number;
}

/** Starts `/usr/bin/python3 ...args` in the repository root with {@link pythonEnv}. */
export function startPython(args: string[], ipcDir: string, env: Record<string, string> = {}): PyProcess {
  const proc = spawn(PYTHON, args, {
    cwd: REPO_ROOT,
    env: pythonEnv(ipcDir, env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<PyResult>((resolve) => {
    // "close", not "exit": every byte of stdout and stderr has been read by then.
    proc.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, endedAt: Date.now() }));
  });
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  return {
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
    done,
    exited,
    kill: async () => {
      if (!exited()) proc.kill("SIGKILL");
      return done;
    },
  };
}

/** Runs `/usr/bin/python3 ...args` to its end; SIGKILLs it (and fails) after `timeoutMs`. */
export async function runPython(
  args: string[],
  ipcDir: string,
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<PyResult> {
  const run = startPython(args, ipcDir, env);
  const timer = setTimeout(() => run.proc.kill("SIGKILL"), timeoutMs);
  try {
    const result = await run.done;
    if (result.signal === "SIGKILL")
      throw new Error(`python3 ${args.join(" ")} did not end in ${timeoutMs} ms:\n${run.output()}`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** A Python strategy process and the TypeScript command system (`cli` by default) that drives it. */
export interface PyStrategyRun {
  id: string;
  py: PyProcess;
  cli: IpcCommandSystem;
  /** cli's transport: every frame cli published, for re-publishing the exact bytes. */
  tap: TapTransport;
  /** In arrival order: `reply:<type>:<status>`, `event:<type>` (heartbeats left out), `exit:<code>`. */
  events: string[];
  /** The commands and events cli received (heartbeats included, replies not), in order. */
  messages: IpcCommand[];
  /** Every frame cli received, replies and repeats included, decoded, in order. */
  received: () => IpcCommand[];
  exit: Promise<number | null>;
  /** A request to the strategy (generous timeout), its replies recorded in `events`. */
  send: (type: string, payload?: Record<string, unknown>) => Promise<RequestResult>;
  /** Requests status until `check` holds (bounded), for changes that happen in the child. */
  statusUntil: (
    check: (status: Record<string, unknown>) => boolean,
    ms?: number,
  ) => Promise<Record<string, unknown>>;
  cleanup: () => Promise<void>;
}

/**
 * Starts a Python strategy (`args` after the interpreter) with MISSIONCTL_IPC_DIR=`ipcDir` and a
 * TypeScript command system with id `as` (default `cli`) in the same directory, and waits until the
 * strategy is reachable from it (both directions connected; generous bound for a busy machine).
 */
export async function startPyStrategy(
  id: string,
  args: string[],
  ipcDir: string,
  env: Record<string, string> = {},
  as = "cli",
): Promise<PyStrategyRun> {
  const py = startPython(args, ipcDir, { LOG_LEVEL: "debug", ...env });
  const events: string[] = [];
  const messages: IpcCommand[] = [];
  const exit = py.done.then((r) => {
    events.push(`exit:${r.code}`);
    return r.code;
  });
  const tap = new TapTransport(new ZmqTransport({ id: as, ipcDir }));
  const cli = new IpcCommandSystem({ id: as, transport: tap });
  cli.on("message", (command) => {
    messages.push(command);
    if (command.command_type !== "heartbeat") events.push(`event:${command.command_type}`);
  });
  await cli.start();
  cli.connectToProcess(id);
  const cleanup = async () => {
    await py.kill();
    await cli.stop();
  };
  try {
    await pollFor(() => cli.isReachable(id) || py.exited(), 25_000, `${id} reachable`, py.output);
    if (py.exited()) throw new Error(`${id} exited before it was reachable`);
  } catch (err) {
    await cleanup();
    throw new Error(`${(err as Error).message}\n${py.output()}`);
  }
  const send = (type: string, payload: Record<string, unknown> = {}) =>
    cli.request(id, type, payload, {
      timeoutMs: 20_000,
      onReply: (r) => events.push(`reply:${type}:${r.status}`),
    });
  const statusUntil = async (check: (status: Record<string, unknown>) => boolean, ms = 20_000) => {
    const start = Date.now();
    for (;;) {
      const r = await cli.request(id, "status", {}, { timeoutMs: 10_000 });
      const status = r.terminal.get(id)?.result ?? {};
      if (check(status)) return status;
      if (Date.now() - start > ms)
        throw new Error(`status of ${id} never matched; last ${JSON.stringify(status)}\n${py.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const received = () =>
    tap.received.map(({ frame }) => JSON.parse(frame.subarray(64).toString("utf8")) as IpcCommand);
  return { id, py, cli, tap, events, messages, received, exit, send, statusUntil, cleanup };
}
