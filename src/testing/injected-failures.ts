/**
 * The Bot API failures a test makes {@link FakeTelegram} answer with, so the bot's retry layer is
 * tested against the errors Telegram and the network really produce.
 */
import { TelegramError } from "telegraf";

/** A failure to inject: 429 (with its retry_after, default 1 s), a 5xx, or a dropped connection. */
export type InjectedFailure =
  | { code: 429; retryAfter?: number }
  | { code: 500 | 502 | 503 }
  | { network: true };

/**
 * Failures waiting for the calls they are meant for, oldest first.
 *
 * @example
 * const queue = new FailureQueue();
 * queue.add(2, { code: 502 }, ["sendMessage"]);
 * queue.take("getMe"); // undefined: both wait for a sendMessage
 * queue.take("sendMessage"); // { code: 502 }
 */
export class FailureQueue {
  readonly #queued: { failure: InjectedFailure; methods?: string[] }[] = [];

  /** Queues `count` copies of `failure`, for calls to `methods` only when given. */
  add(count: number, failure: InjectedFailure, methods?: string[]): void {
    for (let i = 0; i < count; i++) this.#queued.push({ failure, ...(methods ? { methods } : {}) });
  }

  /** Removes and returns the oldest failure meant for a call to `method`, if any. */
  take(method: string): InjectedFailure | undefined {
    const index = this.#queued.findIndex((f) => !f.methods || f.methods.includes(method));
    if (index < 0) return undefined;
    const [{ failure }] = this.#queued.splice(index, 1) as [{ failure: InjectedFailure }];
    return failure;
  }
}

/**
 * How a recorded call names the failure it got: `network`, or the HTTP status.
 *
 * @example
 * failureLabel({ code: 429, retryAfter: 0 }); // "429"
 */
export function failureLabel(failure: InjectedFailure): string {
  return "network" in failure ? "network" : String(failure.code);
}

/**
 * The error the bot's HTTP client would throw for `failure`: a TelegramError as telegraf makes them
 * from Telegram's answer, or a FetchError-like ECONNRESET for a dropped connection.
 *
 * @example
 * throw injectedError({ code: 429, retryAfter: 3 }); // TelegramError, parameters.retry_after 3
 */
export function injectedError(failure: InjectedFailure): Error {
  if ("network" in failure) {
    return Object.assign(new Error("request to the Bot API failed, reason: socket hang up"), {
      name: "FetchError",
      code: "ECONNRESET",
    });
  }
  if (failure.code === 429) {
    const retryAfter = failure.retryAfter ?? 1;
    return new TelegramError({
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    });
  }
  return new TelegramError({ error_code: failure.code, description: "Internal Server Error" });
}
