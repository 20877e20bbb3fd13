import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { aboveProgress, createProgress, type Progress } from "../cli-progress.ts";
import { type Config, ConfigError, DEFAULTS } from "../config.ts";
import { UsageError } from "../errors.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../ipc/codec.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { createTransport, isProxyMode } from "../ipc/create-transport.ts";
import { listProcessIds } from "../ipc/discovery.ts";
import { isCommandType, isGroupTarget, isProcessId, isTargetId, targetMatches } from "../ipc/ids.ts";
import { parsePeerSpec, type Transport } from "../ipc/transport.ts";
import { createProcessLogger, type Logger } from "../log.ts";
import { joinProxy } from "./join.ts";
import { acquireIdLock } from "./lock.ts";

export const SEND_USAGE = `Usage: missionctl send <target> <command_type> [json-payload] [--timeout ms] [--as id]

Sends one command as process "${DEFAULTS.CLI_ID}" (or --as id) and prints every reply (the whole IPCCommand)
as one JSON line on stdout.

  <target>        a process id, "*" (everyone) or "prefix*" (every process whose id starts so)
  <command_type>  e.g. ping, status, finish_and_exit, exit_now, pause, resume, wake
  [json-payload]  a JSON object (default {})
  --timeout ms    how long to wait for terminal replies (default MISSIONCTL_REPLY_TIMEOUT_MS, ${DEFAULTS.MISSIONCTL_REPLY_TIMEOUT_MS};
                  at most 86400000, a day)
  --as id         send as this process id (default ${DEFAULTS.CLI_ID}); the target must hear it (a demo
                  strategy hears ${DEFAULTS.MISSIONCTL_ID},${DEFAULTS.CLI_ID} unless started with --hear)

Exit codes: 0 every expected terminal reply is ok; 1 an error reply, a timeout or a target that is
not connected (within 1.5 s); 2 bad usage or a bad configuration value. Concurrent sends with the
same id wait for each other (a lock in MISSIONCTL_IPC_DIR/locks); a lock left by a dead process is
taken over. In proxy mode (MISSIONCTL_PROXY) nothing is bound and no lock is taken; a group target
reaches the processes present through the proxy.

Environment (and .env): MISSIONCTL_IPC_DIR (default ${DEFAULTS.MISSIONCTL_IPC_DIR}), MISSIONCTL_PROCESSES (peers
such as mm1=tcp://host:port), MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT,
MISSIONCTL_REPLY_TIMEOUT_MS, LOG_LEVEL. Logs go to stderr; stdout carries only the JSON reply lines.`;

/** A day: a one-shot command waiting longer than that for its replies is a typo. */
export const MAX_SEND_TIMEOUT_MS = 86_400_000;

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
 * Throws UsageError on bad usage.
 *
 * @example
 * parseSendArgs(["mm1", "ping", "--timeout", "2000"]); // { target: "mm1", type: "ping", payload: {}, as: "cli", timeoutMs: 2000 }
 */
export function parseSendArgs(args: string[]): SendArgs | "help" {
  const parsed = parseOptions(args, { timeout: { type: "string" }, as: { type: "string" } });
  if (parsed === "help") return "help";
  const { values, positionals } = parsed;
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
  const as = values.as ?? DEFAULTS.CLI_ID;
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
  if (!isGroupTarget(target)) return [target];
  const ids = new Set([...configured.map((spec) => parsePeerSpec(spec).id), ...listProcessIds(ipcDir)]);
  return [...ids].filter((id) => id !== self && isProcessId(id) && targetMatches(target, id));
}

/**
 * Before sending: over ipc, hears the processes the target may reach and, for a group target, waits
 * until they are reachable; through the proxy, where everyone is heard, waits for the link and the
 * presence it brings (a unicast waits for its target in the request's own join window).
 */
async function join(
  ipc: IpcCommandSystem,
  config: Config,
  target: string,
  log: Logger,
  progress: Progress,
): Promise<void> {
  if (isProxyMode(config)) {
    if (!isGroupTarget(target)) return;
    progress.start(`joining the proxy ${config.MISSIONCTL_PROXY}…`);
    if (!(await joinProxy(ipc))) log.warn({ proxy: config.MISSIONCTL_PROXY }, "no link to the proxy yet");
    return;
  }
  const tcpPeers = new Map(config.MISSIONCTL_PROCESSES.map((s) => [parsePeerSpec(s).id, parsePeerSpec(s)]));
  const peers = candidates(config.MISSIONCTL_IPC_DIR, config.MISSIONCTL_PROCESSES, target, ipc.id);
  for (const id of peers) ipc.connectToProcess(tcpPeers.get(id) ?? { id });
  if (!isGroupTarget(target)) return;
  progress.start(`connecting to ${peers.length} process(es) matching ${target}…`);
  await ipc.waitUntilReachable(peers, 1500);
}

/** The progress line's words while replies come in: who is still awaited. */
function waitingText(expected: string[], answered: Set<string>): string {
  const left = expected.filter((id) => !answered.has(id));
  const names =
    left.length <= 3 ? left.join(", ") : `${left.slice(0, 3).join(", ")} and ${left.length - 3} more`;
  const count = expected.length > 1 ? ` (${answered.size} of ${expected.length} answered)` : "";
  return `waiting for ${names || "replies"}${count}…`;
}

/**
 * `missionctl send`: one command, replies as JSON lines, exit code per README.md, Command line.
 *
 * @example
 * process.exitCode = await runSendCommand(["mm*", "status"]);
 */
export async function runSendCommand(args: string[]): Promise<number> {
  const start = commandPreamble("send", SEND_USAGE, args, parseSendArgs);
  if (typeof start === "number") return start;
  const { args: parsed, config } = start;
  const ipcDir = config.MISSIONCTL_IPC_DIR;
  const proxied = isProxyMode(config);
  // stdout carries only the reply lines; logs go to stderr.
  const log = createProcessLogger({ level: config.LOG_LEVEL }, process.stderr).child({ module: "send" });
  let transport: Transport;
  try {
    transport = createTransport(config, parsed.as, log);
  } catch (err) {
    // A certificate that cannot be used: one line, exit 2, like any bad configuration value.
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl send: ${err.message}`);
    return 2;
  }
  // On a terminal only: "waiting for mm1… 2.1 s" on stderr while the command is in flight.
  const progress = createProgress();
  // The lock keeps two sends from taking over each other's ipc socket. Through the proxy nothing
  // is bound, two senders with one id both get every reply and each keeps its own (by
  // command_id), and a `cli` on another host could not be locked out anyway.
  let release = () => {};
  try {
    if (!proxied)
      release = await acquireIdLock(ipcDir, parsed.as, {
        onWait: (pid) => {
          console.error(`missionctl send: waiting for "${parsed.as}" (held by pid ${pid})…`);
          progress.start(`waiting for the "${parsed.as}" lock (pid ${pid})…`);
        },
      });
  } catch (err) {
    progress.done(); // the lock timed out: its error gets a clean line
    throw err;
  }
  const ipc = new IpcCommandSystem({ id: parsed.as, transport, logger: log });
  try {
    await ipc.start();
    await join(ipc, config, parsed.target, log, progress);
    progress.start(`waiting for ${parsed.target}…`);
    let expected: string[] = [];
    const answered = new Set<string>();
    const result = await ipc.request(parsed.target, parsed.type, parsed.payload, {
      timeoutMs: parsed.timeoutMs ?? config.MISSIONCTL_REPLY_TIMEOUT_MS,
      onSent: (_command, present) => {
        expected = present;
        progress.update(waitingText(expected, answered));
      },
      onReply: (r) => {
        if (!expected.includes(r.from)) expected = [...expected, r.from];
        if (r.status !== "accepted") answered.add(r.from);
        progress.update(waitingText(expected, answered));
        aboveProgress(() => process.stdout.write(`${JSON.stringify(r.reply)}\n`));
      },
    });
    progress.done();
    for (const [id, why] of result.missing) {
      console.error(
        `missionctl send: ${id}: ${why === "not_connected" ? "not connected" : why === "timeout" ? "no reply in time" : "disconnected"}`,
      );
    }
    if (result.expected.length === 0) console.error(`missionctl send: no process matches ${parsed.target}`);
    return result.ok && result.expected.length > 0 ? 0 : 1;
  } finally {
    progress.done();
    // Nothing is left to deliver once the replies are in (or given up): close without lingering.
    await ipc.stop({ lingerMs: 0 });
    release();
  }
}
