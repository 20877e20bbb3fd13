import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";
import type { PrettyOptions } from "pino-pretty";
import { aboveProgress } from "./cli-progress.ts";

export type { Logger } from "pino";

/** Paths that may carry the bot token or other secrets; pino replaces them before writing. */
export const REDACT_PATHS = [
  "token",
  "botToken",
  "config.TELEGRAM_BOT_TOKEN",
  "TELEGRAM_BOT_TOKEN",
  "*.token",
  "*.TELEGRAM_BOT_TOKEN",
  "TELEGRAM_WEBHOOK_SECRET",
  "*.TELEGRAM_WEBHOOK_SECRET",
  "secret",
  "*.secret",
  "secretToken",
  "*.secretToken",
  "url",
  "*.url",
];

/**
 * The root logger. Modules take `logger.child({ module: "ipc" })` and add bindings such as
 * `{ cmd, commandId }` as they go.
 *
 * @example
 * const log = createLogger({ level: "debug" }).child({ module: "demo" });
 * log.info({ commandId }, "sent");
 */
export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const opts = {
    level: options.level ?? "info",
    name: options.name,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

/**
 * A logger that writes nothing, for tests and library defaults.
 *
 * @example
 * new IpcCommandSystem({ id: "mm1", transport, logger: silentLogger });
 */
export const silentLogger: Logger = pino({ level: "silent" });

/**
 * pino-pretty's options for one readable line per record, close to pino's own fields: local time,
 * level, `name/module:`, the message, the other fields as one JSON object, and an error as its
 * message (a stack would break the demo's chat into pieces; the JSON logs keep it).
 * Gives lines such as `[12:00:01] WARN: missionctl/ipc: sent {"cmd":"exit"}`.
 */
function prettyOptions(colorize: boolean): PrettyOptions {
  return {
    colorize,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,name,module",
    singleLine: true,
    // Not error-like, so that the prettifier below, not the multi-line stack printer, shows it.
    errorLikeObjectKeys: [],
    customPrettifiers: { err: (err) => (err as { message?: string }).message ?? String(err) },
    messageFormat: (log, messageKey) => {
      const where = [log.name, log.module].filter(Boolean).join("/");
      return `${where ? `${where}: ` : ""}${String(log[messageKey] ?? "")}`;
    },
  };
}

/** pino-pretty, on demand: a synchronous require, as a pino destination's write must be. */
const loadPinoPretty = (): typeof import("pino-pretty") =>
  createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");

/**
 * A pino destination that writes readable lines to `out`, in the same tick as the log call (pino-
 * pretty's formatter in this thread, not a transport's worker): the demo's log lines stay in order
 * with its chat, and a progress line is cleared around each ({@link aboveProgress}). pino-pretty is
 * loaded at the first line, so a command that logs nothing never pays its ~30 ms import.
 *
 * @example
 * const log = createLogger({ name: "demo" }, prettyDestination(process.stderr));
 */
export function prettyDestination(
  out: NodeJS.WritableStream & { hasColors?: () => boolean },
): DestinationStream {
  let format: ((line: string) => string) | undefined;
  return {
    write(line: string) {
      if (!format) {
        const { prettyFactory } = loadPinoPretty();
        // hasColors: a terminal that takes colours (Node reads NO_COLOR, FORCE_COLOR and TERM).
        format = prettyFactory(prettyOptions(out.hasColors?.() === true));
      }
      const text = format(line);
      aboveProgress(() => out.write(text));
    },
  };
}

/**
 * The logger of a command-line process: readable lines when `out` (stdout by default) is a
 * terminal, pino JSON otherwise (for log collectors).
 *
 * @example
 * const log = createProcessLogger({ level: "info" }, process.stderr).child({ module: "send" });
 */
export function createProcessLogger(
  options: { level?: string; name?: string } = {},
  out: NodeJS.WriteStream = process.stdout,
): Logger {
  if (out.isTTY) return createLogger(options, prettyDestination(out));
  return out === process.stdout ? createLogger(options) : createLogger(options, out);
}
