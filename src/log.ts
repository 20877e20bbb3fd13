import { type DestinationStream, type Logger, pino } from "pino";
import { prettyStream } from "./pretty-log.ts";

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

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: "silent" });

/**
 * The logger of a command-line process: readable lines when stdout is a terminal, pino JSON
 * otherwise (for log collectors).
 */
export function createProcessLogger(
  options: { level?: string; name?: string } = {},
  out: NodeJS.WriteStream = process.stdout,
): Logger {
  if (out.isTTY) return createLogger(options, prettyStream(out));
  return out === process.stdout ? createLogger(options) : createLogger(options, out);
}
