import { type ChildProcess, spawn } from "node:child_process";
import { type IpcCommand, IpcCommandSystem, type RequestResult, ZmqTransport } from "../../src/ipc/index.ts";
import { tempIpcDir, until } from "../helpers.ts";

/** A strategy child process over real ZeroMQ ipc, and the `cli` command system that talks to it. */
export interface ChildRun {
  child: ChildProcess;
  cli: IpcCommandSystem;
  /** In arrival order: `reply:<type>:<status>`, `event:<type>` (heartbeats left out), `exit:<code>`. */
  events: string[];
  messages: IpcCommand[];
  /** The child's stdout + stderr so far (pino JSON lines). */
  output: () => string;
  /** Log messages (`msg`) of the child, in order. */
  logMessages: () => string[];
  exit: Promise<number | null>;
  send: (
    type: string,
    payload?: Record<string, unknown>,
    onSent?: (c: IpcCommand) => void,
  ) => Promise<RequestResult>;
  cleanup: () => Promise<void>;
}

/** Spawns `node --import tsx <script> <args>`: see {@link spawnChild}. */
export function spawnStrategy(script: string, args: string[], id = "mm1"): Promise<ChildRun> {
  // The condition lets examples import "missionctl" from the source tree, as users import the package.
  return spawnChild(
    [process.execPath, "--conditions=missionctl-source", "--import", "tsx", script, ...args],
    id,
  );
}

/**
 * Spawns `argv` with MISSIONCTL_IPC_DIR set to a fresh temp dir and waits until process `id` is
 * reachable from `cli` (generous bound: a busy machine is slow to start tsx).
 */
export async function spawnChild(argv: string[], id: string): Promise<ChildRun> {
  const { dir, cleanup: rmDir } = tempIpcDir();
  const [command = process.execPath, ...args] = argv;
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: { ...process.env, MISSIONCTL_IPC_DIR: dir, LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const events: string[] = [];
  const messages: IpcCommand[] = [];
  const exit = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      events.push(`exit:${code}`);
      resolve(code);
    });
  });
  const cli = new IpcCommandSystem({ id: "cli", transport: new ZmqTransport({ id: "cli", ipcDir: dir }) });
  cli.on("message", (command) => {
    messages.push(command);
    if (command.command_type !== "heartbeat") events.push(`event:${command.command_type}`);
  });
  await cli.start();
  cli.connectToProcess(id);
  const logMessages = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? "");
  try {
    await until(() => cli.isReachable(id) || child.exitCode !== null, 25_000, `${id} reachable`);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}; child output:\n${out}`);
  }
  const send = (type: string, payload: Record<string, unknown> = {}, onSent?: (c: IpcCommand) => void) =>
    cli.request(id, type, payload, {
      timeoutMs: 20_000,
      onReply: (r) => events.push(`reply:${type}:${r.status}`),
      ...(onSent ? { onSent } : {}),
    });
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exit;
    await cli.stop();
    rmDir();
  };
  return { child, cli, events, messages, output: () => out, logMessages, exit, send, cleanup };
}

/** Requests status until `check` holds (bounded): for schedule changes that happen in the child. */
export async function statusUntil(
  run: ChildRun,
  check: (status: Record<string, unknown>) => boolean,
  ms = 20_000,
  id = "mm1",
): Promise<Record<string, unknown>> {
  const start = Date.now();
  for (;;) {
    const r = await run.cli.request(id, "status", {}, { timeoutMs: 10_000 });
    const status = r.terminal.get(id)?.result ?? {};
    if (check(status)) return status;
    if (Date.now() - start > ms) throw new Error(`status never matched; last ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
