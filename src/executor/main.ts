import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { ConfigError } from "../config.ts";
import { UsageError } from "../errors.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { createTransport, isProxyMode } from "../ipc/create-transport.ts";
import { isProcessId } from "../ipc/ids.ts";
import { ensureIpcDir } from "../ipc/ipc-dir.ts";
import { createProcessLogger } from "../log.ts";
import { defaultHear } from "../strategy/options.ts";
import { SimExecutor } from "./sim-executor.ts";

export const EXECUTOR_USAGE = `Usage: missionctl executor <id> --log-dir D [--hear ids]

Runs a simulated trade executor for the demo and the tests (docs/position-sync.md). It answers
info, cancel, has_pending_order and flush_log for a payload's "source" ({strategy}#{session}),
keeps resting orders per source, and fills "order" commands by appending trade lines to
D/{trading_day}.jsonl, the log a position sync replays.

  <id>        process id: letters, digits, _ and -, at most 40
  --log-dir D the executor log folder (created when missing)
  --hear ids  comma-separated processes to take commands from (default chatops,cli unless
              MISSIONCTL_ID is set)

Runs until SIGTERM or SIGINT. Environment (and .env): MISSIONCTL_IPC_DIR, MISSIONCTL_PROXY, LOG_LEVEL.`;

/** The parsed command line of `missionctl executor`. */
export interface ExecutorArgs {
  id: string;
  logDir: string;
  hear?: string[];
}

/**
 * Parses `<id> --log-dir D [--hear ids]`; "help" for --help. Throws UsageError on bad usage.
 *
 * @example
 * parseExecutorArgs(["te1", "--log-dir", "/tmp/te1"]); // { id: "te1", logDir: "/tmp/te1" }
 */
export function parseExecutorArgs(args: string[]): ExecutorArgs | "help" {
  const parsed = parseOptions(args, { "log-dir": { type: "string" }, hear: { type: "string" } });
  if (parsed === "help") return "help";
  const [id, ...extra] = parsed.positionals;
  if (!id) throw new UsageError("missing <id>");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!isProcessId(id)) throw new UsageError(`invalid process id ${JSON.stringify(id)}`);
  const logDir = parsed.values["log-dir"];
  if (!logDir) throw new UsageError("missing --log-dir D");
  const hear = parsed.values.hear?.split(",").filter((s) => s !== "");
  return hear ? { id, logDir, hear } : { id, logDir };
}

/**
 * `missionctl executor`: the simulated trade executor as a process on the IPC.
 *
 * @example
 * process.exitCode = await runExecutorCommand(["te1", "--log-dir", "/tmp/te1"]);
 */
export async function runExecutorCommand(args: string[]): Promise<number> {
  const start = commandPreamble("executor", EXECUTOR_USAGE, args, parseExecutorArgs);
  if (typeof start === "number") return start;
  const { config, args: a } = start;
  if (!isProxyMode(config)) ensureIpcDir(config.MISSIONCTL_IPC_DIR);
  const log = createProcessLogger({ level: config.LOG_LEVEL, name: "missionctl" }).child({
    module: "executor",
  });
  let ipc: IpcCommandSystem;
  try {
    ipc = new IpcCommandSystem({ id: a.id, transport: createTransport(config, a.id, log), logger: log });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl executor: ${err.message}`);
    return 2;
  }
  const sim = new SimExecutor({ logDir: a.logDir });
  for (const [type, handler] of Object.entries(sim.handlers())) ipc.registerHandler(type, handler);
  await ipc.start();
  if (!isProxyMode(config))
    for (const peer of a.hear ?? defaultHear(config.MISSIONCTL_ID)) ipc.connectToProcess(peer);
  log.info({ id: a.id, logDir: a.logDir }, "simulated trade executor up");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await ipc.stop({ lingerMs: 100 });
  return 0;
}
