/**
 * Configuration (README.md, Configuration): one zod schema over the environment, `.env` read when
 * present. This is the only module that reads `process.env`; everything else takes the frozen
 * {@link Config}.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { hostPort, httpsUrl, intList, list, positiveInt, webhookSecret } from "./config-fields.ts";
import { parseDotenv } from "./dotenv.ts";
import { MissionctlError } from "./errors.ts";
import { plainAddressProblem } from "./ipc/address.ts";
import { isProcessId } from "./ipc/ids.ts";
import { proxyAddressProblem } from "./ipc/proxy-address.ts";
import { parsePeerSpec } from "./ipc/transport.ts";

/** Typed configuration error; `problems` holds one line per bad value. */
export class ConfigError extends MissionctlError<"INVALID_CONFIG"> {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super("INVALID_CONFIG", `invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`, {
      problems,
    });
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** The languages of every user-visible text (src/i18n/). */
export const LANGUAGES = ["en", "zh"] as const;

/**
 * Every default of missionctl, said once: the schema below falls back to the configuration ones, and
 * the library (IPC requests, strategy runtime, monitor), which reads no environment, falls back to
 * the same values when its caller passes none.
 *
 * @example
 * new ZmqTransport({ id: DEFAULTS.MISSIONCTL_ID, ipcDir: DEFAULTS.MISSIONCTL_IPC_DIR });
 */
export const DEFAULTS = Object.freeze({
  TELEGRAM_API_ROOT: "https://api.telegram.org",
  /** The bot's process id. */
  MISSIONCTL_ID: "chatops",
  MISSIONCTL_IPC_DIR: "/tmp/missionctl",
  MISSIONCTL_REPLY_TIMEOUT_MS: 10_000,
  /** Heartbeat intervals a process may miss before it is called silent. */
  MISSIONCTL_HEARTBEAT_GRACE: 3,
  MISSIONCTL_ALERT_REPEAT_MS: 1_800_000,
  MISSIONCTL_MAX_PROCESSES: 1000,
  /** The bot's SQLite state (docs/state.md); `~/` is the home directory. */
  MISSIONCTL_STATE: "~/.local/state/missionctl/state.db",
  /** A process gone this long (and not configured) is forgotten: 7 days. */
  MISSIONCTL_FORGET_AFTER_MS: 604_800_000,
  /** ZMTP heartbeats on every socket towards the proxy: a link silent for the timeout is dead. */
  MISSIONCTL_LINK_HEARTBEAT_MS: 1000,
  MISSIONCTL_LINK_TIMEOUT_MS: 3000,
  /** A TCP connect to the proxy not done within this is abandoned and retried. */
  MISSIONCTL_CONNECT_TIMEOUT_MS: 1000,
  LOG_LEVEL: "info",
  /** Where the webhook server listens, behind the user's TLS proxy (docs/operations.md). */
  TELEGRAM_WEBHOOK_LISTEN: "127.0.0.1:8443",
  /** Language of alerts, and of replies to users whose Telegram language is unknown. */
  MISSIONCTL_LANG: "en",
  /** Not configuration: a strategy's heartbeat interval, and the one the monitor assumes until told. */
  HEARTBEAT_INTERVAL_MS: 5000,
  /** Not configuration: the process id `missionctl send` sends as, which strategies hear by default. */
  CLI_ID: "cli",
} as const);

const schema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string()
    // The token itself is never echoed: the message only describes the expected shape.
    .regex(/^\d+:[A-Za-z0-9_-]+$/, { error: "does not look like a bot token (digits:secret)" })
    .optional(),
  TELEGRAM_API_ROOT: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw ?? DEFAULTS.TELEGRAM_API_ROOT;
      try {
        const url = new URL(value);
        if (url.protocol === "http:" || url.protocol === "https:") return value;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: "custom", message: `must be an http(s) URL (got ${JSON.stringify(value)})` });
      return value;
    }),
  MISSIONCTL_ID: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw ?? DEFAULTS.MISSIONCTL_ID;
      if (!isProcessId(value)) {
        ctx.addIssue({
          code: "custom",
          message: `${JSON.stringify(value)} is not a process id ([A-Za-z0-9_-]{1,40})`,
        });
      }
      return value;
    }),
  MISSIONCTL_IPC_DIR: z.string().default(DEFAULTS.MISSIONCTL_IPC_DIR),
  MISSIONCTL_PROCESSES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const specs = list(raw);
      for (const spec of specs) {
        const peer = parsePeerSpec(spec);
        if (!isProcessId(peer.id)) {
          ctx.addIssue({ code: "custom", message: `${JSON.stringify(peer.id)} is not a process id` });
        } else if (peer.address !== undefined) {
          const problem = plainAddressProblem(peer.address);
          if (problem) ctx.addIssue({ code: "custom", message: `${peer.id}: ${problem}` });
        }
      }
      return specs;
    }),
  MISSIONCTL_OPERATORS: intList("Telegram user id", false),
  MISSIONCTL_VIEWERS: intList("Telegram user id", false),
  MISSIONCTL_ALERT_CHATS: intList("chat id", true),
  MISSIONCTL_REPLY_TIMEOUT_MS: positiveInt(DEFAULTS.MISSIONCTL_REPLY_TIMEOUT_MS, 3_600_000), // an hour: a chat command waiting longer is lost
  MISSIONCTL_HEARTBEAT_GRACE: positiveInt(DEFAULTS.MISSIONCTL_HEARTBEAT_GRACE, 1000),
  MISSIONCTL_ALERT_REPEAT_MS: positiveInt(DEFAULTS.MISSIONCTL_ALERT_REPEAT_MS, 2_592_000_000), // 30 days, like the longest mute
  MISSIONCTL_MAX_PROCESSES: positiveInt(DEFAULTS.MISSIONCTL_MAX_PROCESSES, 100_000), // over ipc the sockets and open files bound it lower (docs/operations.md#capacity)
  MISSIONCTL_STATE: z.string().default(DEFAULTS.MISSIONCTL_STATE),
  MISSIONCTL_SYNC_MAP: z.string().optional(), // read by /sync when used: a bad file fails that command only
  MISSIONCTL_FORGET_AFTER_MS: positiveInt(DEFAULTS.MISSIONCTL_FORGET_AFTER_MS, 31_536_000_000), // a year
  MISSIONCTL_PROXY: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const problem = raw === undefined ? undefined : proxyAddressProblem(raw);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      return raw;
    }),
  MISSIONCTL_CERT: z.string().optional(),
  MISSIONCTL_PROXY_CERT: z.string().optional(),
  // Heartbeats past a minute, or a dead link unseen for 10 minutes, would defeat their purpose.
  MISSIONCTL_LINK_HEARTBEAT_MS: positiveInt(DEFAULTS.MISSIONCTL_LINK_HEARTBEAT_MS, 60_000),
  MISSIONCTL_LINK_TIMEOUT_MS: positiveInt(DEFAULTS.MISSIONCTL_LINK_TIMEOUT_MS, 600_000),
  MISSIONCTL_CONNECT_TIMEOUT_MS: positiveInt(DEFAULTS.MISSIONCTL_CONNECT_TIMEOUT_MS, 60_000),
  MISSIONCTL_METRICS: hostPort().optional(),
  TELEGRAM_WEBHOOK_URL: httpsUrl().optional(),
  TELEGRAM_WEBHOOK_LISTEN: z.string().default(DEFAULTS.TELEGRAM_WEBHOOK_LISTEN).pipe(hostPort()),
  TELEGRAM_WEBHOOK_SECRET: webhookSecret().optional(),
  MISSIONCTL_LANG: z
    .enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(", ")}` })
    .default(DEFAULTS.MISSIONCTL_LANG),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })
    .default(DEFAULTS.LOG_LEVEL),
});

/**
 * Rules across variables, reported with the others (`when`: even when another value is bad, so
 * every problem shows in one run).
 */
const crossChecked = schema.check(
  z.superRefine(
    (c, ctx) => {
      if (c.MISSIONCTL_PROXY !== undefined) {
        const why = "required in proxy mode (MISSIONCTL_PROXY is set)";
        if (c.MISSIONCTL_CERT === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["MISSIONCTL_CERT"],
            message: `${why}: this process's secret certificate, a *.key_secret file (missionctl keys new NAME)`,
          });
        }
        if (c.MISSIONCTL_PROXY_CERT === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["MISSIONCTL_PROXY_CERT"],
            message: `${why}: the proxy's public certificate, its *.key file`,
          });
        }
      }
      if (c.TELEGRAM_WEBHOOK_URL !== undefined && c.TELEGRAM_WEBHOOK_SECRET === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["TELEGRAM_WEBHOOK_SECRET"],
          message:
            "required with TELEGRAM_WEBHOOK_URL: 1 to 256 of A-Z a-z 0-9 _ - (e.g. `openssl rand -hex 32`)",
        });
      }
      if (c.MISSIONCTL_LINK_TIMEOUT_MS <= c.MISSIONCTL_LINK_HEARTBEAT_MS) {
        ctx.addIssue({
          code: "custom",
          path: ["MISSIONCTL_LINK_TIMEOUT_MS"],
          message: `must be longer than MISSIONCTL_LINK_HEARTBEAT_MS (${c.MISSIONCTL_LINK_TIMEOUT_MS} <= ${c.MISSIONCTL_LINK_HEARTBEAT_MS})`,
        });
      }
    },
    { when: () => true },
  ),
);

type Parsed = z.infer<typeof schema>;

/**
 * The validated configuration, keyed by the names of the README's configuration table. Frozen at
 * runtime, arrays included.
 */
export type Config = Readonly<
  Parsed & {
    /** Raw specs, `mm1` or `mm1=tcp://host:port` (parse with parsePeerSpec). */
    MISSIONCTL_PROCESSES: string[];
    /** Defaults to the operators' private chats (a private chat's id is the user's id). */
    MISSIONCTL_ALERT_CHATS: number[];
  }
>;

export const CONFIG_NAMES = Object.keys(schema.shape) as (keyof Parsed)[];

export interface LoadConfigOptions {
  /** A `.env` file to read, or false for none. Default: `.env` in the working directory. */
  envFile?: string | false;
}

/**
 * Reads and validates the configuration. Variables set in `env` win over `.env`; empty values count
 * as unset. Every bad value is reported at once, one line each, in a {@link ConfigError}.
 *
 * @example
 * const config = loadConfig();
 * config.MISSIONCTL_REPLY_TIMEOUT_MS; // 10000
 * loadConfig({ MISSIONCTL_OPERATORS: "42" }, { envFile: false }).MISSIONCTL_OPERATORS; // [42]
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const fileVars = readEnvFile(options.envFile === undefined ? resolve(".env") : options.envFile);
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_NAMES) {
    const fromEnv = env[name];
    const value = fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv : fileVars[name];
    input[name] = value !== undefined && value.trim() !== "" ? value.trim() : undefined;
  }
  const result = crossChecked.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`));
  }
  const parsed = result.data;
  const alertChats =
    parsed.MISSIONCTL_ALERT_CHATS.length > 0
      ? parsed.MISSIONCTL_ALERT_CHATS
      : [...parsed.MISSIONCTL_OPERATORS];
  return deepFreeze({ ...parsed, MISSIONCTL_ALERT_CHATS: alertChats });
}

let ofProcess: Config | undefined;

/**
 * This process's configuration (`process.env` over `.env`), read on first use and then kept, frozen.
 * The CLI commands start from it, and the library's environment-bound defaults (whom a strategy
 * hears) follow it, so both agree. Throws {@link ConfigError} while it is invalid (nothing is kept).
 *
 * @example
 * processConfig().MISSIONCTL_ID; // "chatops" unless MISSIONCTL_ID is set
 */
export function processConfig(): Config {
  ofProcess ??= loadConfig();
  return ofProcess;
}

function readEnvFile(path: string | false): Record<string, string> {
  if (path === false || !existsSync(path)) return {};
  return parseDotenv(readFileSync(path, "utf8"));
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === "object") Object.freeze(v);
  return Object.freeze(value);
}
