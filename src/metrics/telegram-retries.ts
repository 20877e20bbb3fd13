/** Bot API retries by cause, heard from the bot's Telegram client (every attempt, retries included). */
import { Counter, type Registry } from "prom-client";
import type { ApiObserver } from "../telegram/client.ts";

/**
 * The causes a retry is counted under: the label stays bounded whatever a network error is named.
 *
 * @example
 * RETRY_CAUSES.includes(retryCause("ECONNRESET")); // true
 */
export const RETRY_CAUSES = ["429", "5xx", "network"] as const;
export type RetryCause = (typeof RETRY_CAUSES)[number];

/**
 * The cause of a retry from the retry layer's `why` (`"429"`, `"502"`, `"ECONNRESET"`, ...).
 *
 * @example
 * retryCause("503"); // "5xx"
 * retryCause("ETIMEDOUT"); // "network"
 */
export function retryCause(why: string): RetryCause {
  if (why === "429") return "429";
  if (/^5\d\d$/.test(why)) return "5xx";
  return "network";
}

/**
 * Registers `missionctl_telegram_retries_total{cause}` and subscribes it to the client's attempts
 * (`observe`: BotHandle.observeApi); returns the unsubscribe. Counted: attempts that failed in a
 * way that is retried, by the retry layer or by the alert notifier's queues.
 *
 * @example
 * const stop = registerTelegramRetries(registry, (o) => runtime.bot.observeApi(o));
 * // after a 429: missionctl_telegram_retries_total{cause="429"} 1
 */
export function registerTelegramRetries(
  registry: Registry,
  observe: (observer: ApiObserver) => () => void,
): () => void {
  const counter = new Counter({
    name: "missionctl_telegram_retries_total",
    help: "Bot API calls that failed and are retried, by cause (429, 5xx, network)",
    labelNames: ["cause"],
    registers: [registry],
  });
  for (const cause of RETRY_CAUSES) counter.inc({ cause }, 0);
  return observe((attempt) => {
    if (attempt.why !== undefined) counter.inc({ cause: retryCause(attempt.why) });
  });
}
