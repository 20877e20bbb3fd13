import { type BackoffOptions, backoffDelay } from "../backoff.ts";
import { type Clock, systemClock } from "../clock.ts";
import { MissionctlError } from "../errors.ts";

/**
 * A Bot API call given up because its AbortSignal fired (the bot is stopping). Named `AbortError`
 * so telegraf's polling loop, which checks the name, ends quietly on it.
 */
export class TelegramAbortError extends MissionctlError<"ABORTED"> {
  override name = "AbortError";
  constructor(message = "Bot API call abandoned: the bot is stopping") {
    super("ABORTED", message);
  }
}

/** True for an abandoned call: ours, or fetch's own abort of a request in flight. */
export function isAbortError(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === "AbortError";
}

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
  if (isAbortError(err)) return { retry: false };
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

/**
 * How a failed Bot API call is retried unless told otherwise: after 500 ms, doubling up to 30 s.
 *
 * @example
 * backoffDelay(3, TELEGRAM_BACKOFF); // 2000
 */
export const TELEGRAM_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 500, maxMs: 30_000 });

export interface RetryOptions {
  /** Give up after this many attempts (default: keep trying until `deadlineMs`). */
  maxAttempts?: number;
  /** Give up this long after the first attempt (default 10 min). */
  deadlineMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  /** Aborting it ends the retrying at once (in a wait or before the next attempt). */
  signal?: AbortSignal;
  /** Told before each wait, for logging. */
  onRetry?: (err: unknown, attempt: number, delayMs: number, why: string) => void;
}

/**
 * Runs a Bot API call, retrying on 429 (after `retry_after`), 5xx and network errors with
 * exponential backoff; other errors are thrown at once. When `signal` aborts, rejects at once with a
 * {@link TelegramAbortError} (pass the same signal to the call to cut a request in flight too).
 *
 * @example
 * await withTelegramRetry(() => bot.telegram.sendMessage(chatId, "hi"));
 */
export async function withTelegramRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  const deadline = start + (options.deadlineMs ?? 10 * 60_000);
  const backoff = {
    baseMs: options.baseDelayMs ?? TELEGRAM_BACKOFF.baseMs,
    maxMs: options.maxDelayMs ?? TELEGRAM_BACKOFF.maxMs,
  };
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new TelegramAbortError();
    try {
      return await call();
    } catch (err) {
      // Whatever the call failed with, a stop makes it final.
      if (signal?.aborted) throw new TelegramAbortError();
      const decision = classifyTelegramError(err);
      if (!decision.retry) throw err;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) throw err;
      const delay = decision.afterMs ?? backoffDelay(attempt, backoff);
      if (clock.now() + delay > deadline) throw err;
      options.onRetry?.(err, attempt, delay, decision.why);
      await sleep(clock, delay, signal);
    }
  }
}

/** Waits `ms` on the clock; rejects with a {@link TelegramAbortError} as soon as `signal` aborts. */
function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(new TelegramAbortError());
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
