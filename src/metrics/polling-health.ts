/**
 * The "telegram" part of the health check in long-polling mode, and only there: webhook mode sets
 * it from its own server (BotHandle.launchWebhook's `onHealth`), so skip this in that mode.
 */
import type { ApiObserver } from "../telegram/client.ts";
import type { BotHealth } from "./health.ts";

/**
 * Failed getUpdates attempts in a row before the bot counts as cut off from Telegram: with the
 * polling backoff (0.5 s, 1 s, 2 s, ...) that is about 3.5 s of failing, so one 502 is no alarm.
 *
 * @example
 * watchPollingHealth(bot, health, { failuresBeforeDown: POLLING_FAILURES_BEFORE_DOWN * 2 });
 */
export const POLLING_FAILURES_BEFORE_DOWN = 3;

/** What is read: the bot's BotHandle. */
export interface PollingSource {
  /** True from the moment long polling has started until it stops or fails. */
  readonly polling: boolean;
  observeApi(observer: ApiObserver): () => void;
}

/**
 * Makes `health`'s "telegram" part follow long polling: up once polling has started and while
 * getUpdates calls succeed; down before, after polling stopped, and once
 * {@link POLLING_FAILURES_BEFORE_DOWN} getUpdates attempts in a row have failed (until one succeeds).
 * Returns the function that stops watching (the part is then down).
 *
 * @example
 * const stop = watchPollingHealth(runtime.bot, health); // polling mode only
 * await runtime.bot.launch();
 * health.isUp("telegram"); // true
 */
export function watchPollingHealth(
  bot: PollingSource,
  health: BotHealth,
  options: { failuresBeforeDown?: number } = {},
): () => void {
  const limit = options.failuresBeforeDown ?? POLLING_FAILURES_BEFORE_DOWN;
  let failures = 0;
  const unobserve = bot.observeApi((attempt) => {
    if (attempt.method === "getUpdates") failures = attempt.ok ? 0 : failures + 1;
  });
  health.probe("telegram", () => bot.polling && failures < limit);
  return () => {
    unobserve();
    health.set("telegram", false);
  };
}
