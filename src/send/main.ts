import { readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig } from "../config.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../ipc/codec.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { isCommandType, isGroupTarget, isProcessId, isTargetId, targetMatches } from "../ipc/ids.ts";
import { commandDir } from "../ipc/ipc-dir.ts";
import { parsePeerSpec } from "../ipc/transport.ts";
import { ZmqTransport } from "../ipc/zmq-transport.ts";
import { createProcessLogger } from "../log.ts";
import { acquireIdLock } from "./lock.ts";

export const SEND_USAGE = `Usage: missionctl send <target> <command_type> [json-payload] [--timeout ms] [--as id]

Sends one command as process "cli" (or --as id) and prints every reply (the whole IPCCommand)
as one JSON line on stdout.

  <target>        a process id, "*" (everyone) or "prefix*" (every process whose id starts so)
  <command_type>  e.g. ping, status, finish_and_exit, exit_now, pause, resume, wake
  [json-payload]  a JSON object (default {})
  --timeout ms    how long to wait for terminal replies (default MISSIONCTL_REPLY_TIMEOUT_MS, 10000;
                  at most 86400000, a day)
  --as id         send as this process id (default cli); the target must hear it (a demo
                  strategy hears chatops,cli unless started with --hear)

Exit codes: 0 every expected terminal reply is ok; 1 an error reply, a timeout or a target that is
not connected (within 1.5 s); 2 bad usage or a bad configuration value. Concurrent sends with the
same id wait for each other (a lock in MISSIONCTL_IPC_DIR/locks); a lock left by a dead process is
taken over.

Environment (and .env): MISSIONCTL_IPC_DIR (default /tmp/missionctl), MISSIONCTL_PROCESSES (peers
such as mm1=tcp://host:port), MISSIONCTL_REPLY_TIMEOUT_MS, LOG_LEVEL. Logs go to stderr; stdout
carries only the JSON reply lines.`;

/** A day: a one-shot command waiting longer than that for its replies is a typo. */
export const MAX_SEND_TIMEOUT_MS = 86_400_000;

class UsageError extends Error {
  override name = "UsageError";
  readonly code = "USAGE" as const;
}

/** The parsed command line of `missionctl send`. */
export interface SendArgs {
  target: string;
  type: string;
  payload: Record<string, unknown>;
  timeoutMs?: number;
  as: string;
}

/**
 * Parses `<target> <command_type> [json-payload] [--timeout ms] [--as id]`; "help" for --help.
 * Throws on bad usage.
 *
 * @example
 * parseSendArgs(["mm1", "ping", "--timeout", "2000"]); // { target: "mm1", type: "ping", payload: {}, as: "cli", timeoutMs: 2000 }
 */
export function parseSendArgs(args: string[]): SendArgs | "help" {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { timeout: { type: "string" }, as: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return "help";
  const [target, type, json, ...extra] = positionals;
  if (!target || !type) throw new UsageError("missing <target> or <command_type>");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!isTargetId(target)) throw new UsageError(`invalid target ${JSON.stringify(target)}`);
  if (!isCommandType(type)) throw new UsageError(`invalid command type ${JSON.stringify(type)}`);
  let payload: unknown = {};
  if (json !== undefined) {
    try {
      payload = JSON.parse(json);
    } catch {
      throw new UsageError(`payload is not JSON: ${json}`);
    }
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      throw new UsageError("payload must be a JSON object");
    }
    if (nestsDeeperThan(payload, MAX_JSON_DEPTH - 1)) {
      throw new UsageError(`payload nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  }
  const as = values.as ?? "cli";
  if (!isProcessId(as)) throw new UsageError(`invalid --as id ${JSON.stringify(as)}`);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!/^\d+$/.test(values.timeout) || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError(`--timeout takes a positive integer (ms), not ${JSON.stringify(values.timeout)}`);
    if (timeoutMs > MAX_SEND_TIMEOUT_MS)
      throw new UsageError(
        `--timeout takes at most ${MAX_SEND_TIMEOUT_MS} ms (a day), not ${values.timeout}`,
      );
  }
  return {
    target,
    type,
    payload: payload as Record<string, unknown>,
    as,
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/**
 * The processes a target may reach: configured ones plus those with a socket in IPC_DIR/command,
 * never `self` (its own socket file, perhaps left by an earlier send, is no peer to wait for).
 */
function candidates(ipcDir: string, configured: string[], target: string, self: string): string[] {
  const ids = new Set<string>();
  for (const spec of configured) ids.add(parsePeerSpec(spec).id);
  try {
    for (const name of readdirSync(commandDir(ipcDir))) if (name.endsWith(".ipc")) ids.add(name.slice(0, -4));
  } catch {}
  if (!isGroupTarget(target)) return [target];
  return [...ids].filter((id) => id !== self && isProcessId(id) && targetMatches(target, id));
}

/** `missionctl send`: one command, replies as JSON lines, exit code per DESIGN §6. */
export async function runSendCommand(args: string[]): Promise<number> {
  let parsed: SendArgs | "help";
  try {
    parsed = parseSendArgs(args);
  } catch (err) {
    console.error(`missionctl send: ${(err as Error).message}\n\n${SEND_USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    console.log(SEND_USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`missionctl send: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const ipcDir = config.MISSIONCTL_IPC_DIR;
  // stdout carries only the reply lines; logs go to stderr.
  const log = createProcessLogger({ level: config.LOG_LEVEL }, process.stderr).child({ module: "send" });
  const release = await acquireIdLock(ipcDir, parsed.as, {
    onWait: (pid) => console.error(`missionctl send: waiting for "${parsed.as}" (held by pid ${pid})…`),
  });
  const tcpPeers = new Map(config.MISSIONCTL_PROCESSES.map((s) => [parsePeerSpec(s).id, parsePeerSpec(s)]));
  const ipc = new IpcCommandSystem({
    id: parsed.as,
    transport: new ZmqTransport({ id: parsed.as, ipcDir, logger: log }),
    logger: log,
  });
  try {
    await ipc.start();
    const peers = candidates(ipcDir, config.MISSIONCTL_PROCESSES, parsed.target, parsed.as);
    for (const id of peers) ipc.connectToProcess(tcpPeers.get(id) ?? { id });
    if (isGroupTarget(parsed.target)) await ipc.waitUntilReachable(peers, 1500);
    const result = await ipc.request(parsed.target, parsed.type, parsed.payload, {
      timeoutMs: parsed.timeoutMs ?? config.MISSIONCTL_REPLY_TIMEOUT_MS,
      onReply: (r) => process.stdout.write(`${JSON.stringify(r.reply)}\n`),
    });
    for (const [id, why] of result.missing) {
      console.error(
        `missionctl send: ${id}: ${why === "not_connected" ? "not connected" : why === "timeout" ? "no reply in time" : "disconnected"}`,
      );
    }
    if (result.expected.length === 0) console.error(`missionctl send: no process matches ${parsed.target}`);
    return result.ok && result.expected.length > 0 ? 0 : 1;
  } finally {
    await ipc.stop({ lingerMs: 100 });
    release();
  }
}
