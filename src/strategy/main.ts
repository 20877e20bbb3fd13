/**
 * `missionctl strategy <id>` (README.md, Command line): a demo strategy process on the runtime. Its
 * step simulates `--step-ms` of work that exit_now cuts short; the demo and the integration tests run
 * it.
 */
import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { ConfigError, DEFAULTS, loadConfig, processConfig } from "../config.ts";
import { DemoTrading } from "../demo/trading.ts";
import { UsageError } from "../errors.ts";
import { ensureIpcDir, isProcessId, isProxyMode, parsePeerSpec, plainAddressProblem } from "../ipc/index.ts";
import { createProcessLogger } from "../log.ts";
import { DEFAULT_HEAR } from "./options.ts";
import { runStrategy } from "./run.ts";

export { defaultHear } from "./options.ts";

/** The simulated work per step and the sleep between steps when no flag says otherwise. */
const DEFAULT_STEP_MS = 1000;
const DEFAULT_INTERVAL_MS = 10_000;

export const STRATEGY_USAGE = `Usage: missionctl strategy <id> [--step-ms N] [--interval-ms N] [--heartbeat-ms N] [--hear ids]

Runs a demo strategy process: step (simulated work), sleep, step, ... It answers ping, status,
finish_and_exit, exit_now, pause, resume and wake at any moment, publishes a heartbeat every
--heartbeat-ms, and \`stopped\` before a planned exit (also on SIGTERM / SIGINT; a second signal
aborts the running step). It binds ipc://$MISSIONCTL_IPC_DIR/command/<id>.ipc; with MISSIONCTL_PROXY
set it binds nothing and connects to the proxy instead, hearing every process through it.

  <id>              process id: letters, digits, _ and -, at most 40
  --step-ms N       simulated work per step, in ms (default ${DEFAULT_STEP_MS}, at most a year)
  --interval-ms N   sleep between steps, in ms (default ${DEFAULT_INTERVAL_MS}, at most a year)
  --heartbeat-ms N  heartbeat interval, in ms (default ${DEFAULTS.HEARTBEAT_INTERVAL_MS}, at most a day)
  --hear ids        comma-separated processes to take commands from, id or id=tcp://127.0.0.1:port
                    (default MISSIONCTL_ID and cli: ${DEFAULT_HEAR.join(",")} unless MISSIONCTL_ID is set)

Environment: MISSIONCTL_IPC_DIR (default ${DEFAULTS.MISSIONCTL_IPC_DIR}), MISSIONCTL_ID (default ${DEFAULTS.MISSIONCTL_ID}),
MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT (proxy mode, see README.md),
LOG_LEVEL (default ${DEFAULTS.LOG_LEVEL}); logs are pino
JSON lines on stdout (readable lines when stdout is a terminal). Exit codes: 0 after a planned exit, 1 after a crash, 2 on bad usage.`;

/** The parsed command line. */
export interface StrategyArgs {
  id: string;
  stepMs: number;
  intervalMs: number;
  heartbeatMs: number;
  /** Undefined when --hear is not given: the default depends on MISSIONCTL_ID. */
  hear?: string[];
}

/** What the strategy command takes from the environment. */
export interface StrategyEnv {
  ipcDir: string;
  logLevel: string;
  /** The bot's process id (MISSIONCTL_ID), heard by default. */
  botId: string;
}

/**
 * Reads MISSIONCTL_IPC_DIR, LOG_LEVEL and MISSIONCTL_ID through the project configuration
 * (src/config.ts: zod over the environment and `.env`; README.md, Configuration): this process's
 * unless `env` is given. Throws ConfigError with one line per bad value.
 *
 * @example
 * strategyEnv({ MISSIONCTL_IPC_DIR: "/tmp/x" }).ipcDir; // "/tmp/x"
 */
export function strategyEnv(env?: NodeJS.ProcessEnv): StrategyEnv {
  const config = env === undefined ? processConfig() : loadConfig(env);
  return { ipcDir: config.MISSIONCTL_IPC_DIR, logLevel: config.LOG_LEVEL, botId: config.MISSIONCTL_ID };
}

/** A year: a longer step or interval is a typo, not a schedule (35 days still sleeps 35 days). */
export const MAX_INTERVAL_MS = 365 * 86_400_000;
/** A day: the monitor calls a strategy silent after a few missed beats, so rarer beats make no sense. */
export const MAX_HEARTBEAT_MS = 86_400_000;

const ms = (flag: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} takes ${min > 0 ? "a positive" : "a non-negative"} integer (ms) of at most ${max}, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
};

/**
 * Parses `<id> [--step-ms N] [--interval-ms N] [--heartbeat-ms N] [--hear ids]`; "help" for --help.
 * Throws {@link UsageError} on anything else.
 *
 * @example
 * parseStrategyArgs(["mm1", "--interval-ms", "60000"]); // { id: "mm1", intervalMs: 60000, ... }
 */
export function parseStrategyArgs(args: string[]): StrategyArgs | "help" {
  const parsed = parseOptions(args, {
    "step-ms": { type: "string" },
    "interval-ms": { type: "string" },
    "heartbeat-ms": { type: "string" },
    hear: { type: "string" },
  });
  if (parsed === "help") return "help";
  const { values, positionals } = parsed;
  const [id, ...extra] = positionals;
  if (id === undefined) throw new UsageError("missing <id>");
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!isProcessId(id))
    throw new UsageError(`invalid id ${JSON.stringify(id)}: letters, digits, _ and -, at most 40`);
  const hear = values.hear?.split(",").map((s) => s.trim());
  for (const spec of hear ?? []) {
    const peer = parsePeerSpec(spec);
    if (!isProcessId(peer.id)) throw new UsageError(`--hear: invalid process id ${JSON.stringify(spec)}`);
    const problem = peer.address === undefined ? undefined : plainAddressProblem(peer.address);
    if (problem) throw new UsageError(`--hear: ${problem}`);
  }
  return {
    id,
    stepMs: ms("--step-ms", values["step-ms"], DEFAULT_STEP_MS, 0, MAX_INTERVAL_MS),
    intervalMs: ms("--interval-ms", values["interval-ms"], DEFAULT_INTERVAL_MS, 0, MAX_INTERVAL_MS),
    heartbeatMs: ms(
      "--heartbeat-ms",
      values["heartbeat-ms"],
      DEFAULTS.HEARTBEAT_INTERVAL_MS,
      1,
      MAX_HEARTBEAT_MS,
    ),
    ...(hear ? { hear } : {}),
  };
}

/**
 * `missionctl strategy`: resolves to the exit code (0 planned exit, 1 crash, 2 bad usage). The process
 * ends by itself once the strategy has stopped: every timer, socket and listener is closed by then.
 *
 * @example
 * process.exitCode = await runStrategyCommand(["mm1", "--step-ms", "500", "--interval-ms", "5000"]);
 */
export async function runStrategyCommand(args: string[]): Promise<number> {
  const start = commandPreamble("strategy", STRATEGY_USAGE, args, parseStrategyArgs);
  if (typeof start === "number") return start;
  const { id, stepMs, intervalMs, heartbeatMs, hear } = start.args;
  const env = strategyEnv();
  // Throws UNSAFE_IPC_DIR before anything starts: exit 2 with one line. Through the proxy no
  // socket lives there, so the directory does not matter.
  if (!isProxyMode(start.config)) ensureIpcDir(env.ipcDir);
  const logger = createProcessLogger({ level: env.logLevel, name: "missionctl" });
  // Only inside `missionctl demo`: sessions, orders through the simulated executor, accounts.
  const trading = DemoTrading.fromEnv(process.env);
  let strategy: ReturnType<typeof runStrategy>;
  try {
    strategy = runStrategy(
      {
        id,
        intervalMs,
        step: async (ctx) => {
          ctx.log.info("step started");
          try {
            await ctx.delay(stepMs);
          } catch (err) {
            ctx.log.info("step aborted");
            throw err;
          }
          await trading?.step(ctx);
          ctx.log.info("step finished");
        },
      },
      // Without --hear, the runtime hears the bot named by MISSIONCTL_ID and cli (defaultHear);
      // in proxy mode it hears everyone, and the transport comes from the configuration.
      { ipcDir: env.ipcDir, hear, heartbeatMs, logger },
    );
  } catch (err) {
    // A certificate that cannot be used (read at start): one line, exit 2.
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl strategy: ${err.message}`);
    return 2;
  }
  const code = await strategy.done;
  trading?.end(code);
  return code;
}
