import { type Clock, systemClock } from "../clock.ts";

/** How to treat a failed Bot API call. */
export type RetryDecision = { retry: false } | { retry: true; afterMs?: number; why: string };

/**
 * Classifies a Bot API failure (telegraf's TelegramError, or a network error): 429 honours
 * `retry_after`, 5xx and network errors are retried, other 4xx are final.
 */
export function classifyTelegramError(err: unknown): RetryDecision {
  const e = err as {
    code?: number | string;
    response?: { error_code?: number; parameters?: { retry_after?: number } };
    name?: string;
    type?: string;
  };
  const status = e?.response?.error_code ?? (typeof e?.code === "number" ? e.code : undefined);
  if (status === 429) {
    const after = e.response?.parameters?.retry_after;
    return { retry: true, why: "429", ...(after !== undefined ? { afterMs: after * 1000 } : {}) };
  }
  if (typeof status === "number" && status >= 500) return { retry: true, why: String(status) };
  if (typeof status === "number") return { retry: false };
  // No HTTP status: the request never got an answer (reset, refused, DNS, timeout).
  return { retry: true, why: typeof e?.code === "string" ? e.code : (e?.name ?? "network") };
}

export interface RetryOptions {
  /** Give up after this many attempts (default: keep trying until `deadlineMs`). */
  maxAttempts?: number;
  /** Give up this long after the first attempt (default 10 min). */
  deadlineMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  /** Told before each wait, for logging. */
  onRetry?: (err: unknown, attempt: number, delayMs: number, why: string) => void;
}

/**
 * Runs a Bot API call, retrying on 429 (after `retry_after`), 5xx and network errors with
 * exponential backoff; other errors are thrown at once.
 *
 * @example
 * await withTelegramRetry(() => bot.telegram.sendMessage(chatId, "hi"));
 */
export async function withTelegramRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  const deadline = start + (options.deadlineMs ?? 10 * 60_000);
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const decision = classifyTelegramError(err);
      if (!decision.retry) throw err;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) throw err;
      const backoff = Math.min(cap, base * 2 ** (attempt - 1));
      const delay = decision.afterMs ?? backoff;
      if (clock.now() + delay > deadline) throw err;
      options.onRetry?.(err, attempt, delay, decision.why);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delay));
    }
  }
}
