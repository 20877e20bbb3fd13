/**
 * `missionctl proxy` (README.md, Command line): the proxy of the several-hosts layout as a process.
 * SIGHUP re-reads the allow directory (so does any change in it); SIGTERM and SIGINT close it
 * cleanly, after a `stopped` event.
 */
import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { DEFAULTS } from "../config.ts";
import { UsageError } from "../errors.ts";
import { isProcessId } from "../ipc/ids.ts";
import { createProcessLogger } from "../log.ts";
import { proxyAddresses } from "./address.ts";
import { CertError } from "./certs.ts";
import { ProxyError } from "./errors.ts";
import { type ProxyHandle, startProxy } from "./proxy.ts";

export const PROXY_USAGE = `Usage: missionctl proxy --bind tcp://HOST:PORT --cert FILE --allow DIR [--id ID] [--heartbeat-ms N]

Runs the proxy every process of a several-hosts setup connects to: publishers at PORT (XSUB),
subscribers at PORT+1 (XPUB), with CURVE on both. Only clients whose public key is in DIR get in.

  --bind tcp://HOST:PORT  the address to bind (HOST * for every interface); PORT+1 is bound too
  --cert FILE             the proxy's secret certificate (NAME.key_secret from missionctl keys new; mode 0600)
  --allow DIR             the client public certificates (*.key) admitted; re-read on SIGHUP and when
                          a file in DIR changes (connections already admitted stay up: restart to revoke)
  --id ID                 the proxy's own process id: its heartbeats, ping and status (default proxy)
  --heartbeat-ms N        the interval of its heartbeat events, in ms (default ${DEFAULTS.HEARTBEAT_INTERVAL_MS}, at most a day)

Environment: LOG_LEVEL (default ${DEFAULTS.LOG_LEVEL}); logs are pino JSON lines on stdout (readable lines
when stdout is a terminal), refused clients among them, with their key and address.
Exit codes: 0 after SIGTERM / SIGINT; 1 when the proxy fails; 2 on bad usage, an unreadable or unsafe
certificate, or a missing allow directory.`;

/** A day: the bot calls a process silent after a few missed beats, so rarer beats make no sense. */
const MAX_HEARTBEAT_MS = 86_400_000;

/** The parsed command line. */
export interface ProxyArgs {
  bind: string;
  cert: string;
  allow: string;
  id: string;
  heartbeatMs: number;
}

/**
 * Parses `--bind tcp://HOST:PORT --cert FILE --allow DIR [--id ID] [--heartbeat-ms N]`; "help" for
 * --help. Throws {@link UsageError} on anything else.
 *
 * @example
 * parseProxyArgs(["--bind", "tcp://*:7100", "--cert", "proxy.key_secret", "--allow", "allow"]);
 * // { bind: "tcp://*:7100", cert: "proxy.key_secret", allow: "allow", id: "proxy", heartbeatMs: 5000 }
 */
export function parseProxyArgs(args: string[]): ProxyArgs | "help" {
  const parsed = parseOptions(args, {
    bind: { type: "string" },
    cert: { type: "string" },
    allow: { type: "string" },
    id: { type: "string" },
    "heartbeat-ms": { type: "string" },
  });
  if (parsed === "help") return "help";
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { bind, cert, allow } = values;
  if (bind === undefined || cert === undefined || allow === undefined) {
    throw new UsageError("--bind, --cert and --allow are required");
  }
  try {
    proxyAddresses(bind);
  } catch (err) {
    throw new UsageError(`--bind: ${(err as Error).message}`);
  }
  const id = values.id ?? "proxy";
  if (!isProcessId(id))
    throw new UsageError(`invalid --id ${JSON.stringify(id)}: letters, digits, _ and -, at most 40`);
  const raw = values["heartbeat-ms"];
  let heartbeatMs: number = DEFAULTS.HEARTBEAT_INTERVAL_MS;
  if (raw !== undefined) {
    heartbeatMs = Number(raw);
    if (!/^\d+$/.test(raw) || heartbeatMs < 1 || heartbeatMs > MAX_HEARTBEAT_MS) {
      throw new UsageError(
        `--heartbeat-ms takes a positive integer (ms) of at most ${MAX_HEARTBEAT_MS}, not ${JSON.stringify(raw)}`,
      );
    }
  }
  return { bind, cert, allow, id, heartbeatMs };
}

/** The exit code for what stopped the start: 2 for what the operator must fix in the command. */
function startFailure(err: unknown): number | undefined {
  if (err instanceof CertError) return 2;
  if (err instanceof ProxyError) return err.code === "BAD_ALLOW_DIR" || err.code === "BAD_BIND" ? 2 : 1;
  return undefined;
}

/**
 * `missionctl proxy`: resolves to the exit code once the proxy has stopped.
 *
 * @example
 * process.exitCode = await runProxyCommand(["--bind", "tcp://*:7100", "--cert", "proxy.key_secret", "--allow", "allow"]);
 */
export async function runProxyCommand(args: string[]): Promise<number> {
  const start = commandPreamble("proxy", PROXY_USAGE, args, parseProxyArgs);
  if (typeof start === "number") return start;
  const { bind, cert, allow, id, heartbeatMs } = start.args;
  const logger = createProcessLogger({ level: start.config.LOG_LEVEL, name: "missionctl" });
  let proxy: ProxyHandle;
  try {
    proxy = await startProxy({ bind, cert, allowDir: allow, id, heartbeatMs, logger });
  } catch (err) {
    const code = startFailure(err);
    if (code === undefined) throw err;
    console.error(`missionctl proxy: ${(err as Error).message}`);
    return code;
  }
  return new Promise<number>((resolve) => {
    const onHup = () => void proxy.reload();
    const stop = (signal: NodeJS.Signals) => {
      unhook();
      void proxy.close(signal).then(() => resolve(0));
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    const unhook = () => {
      process.off("SIGHUP", onHup);
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
    };
    process.on("SIGHUP", onHup);
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
    // The loop ending without a signal is a failure (after a signal, resolve(0) came first).
    const failed = () => {
      unhook();
      resolve(1);
    };
    proxy.done.then(failed, failed);
  });
}
