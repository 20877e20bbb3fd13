/**
 * One attempt at the Bot API for the per-chat queue, bounded in time, and what its failure means
 * for the outbox: whether the message may have reached Telegram all the same.
 */
import type { Clock } from "../clock.ts";
import { MissionctlError } from "../errors.ts";
import type { SendFn } from "./chat-queue.ts";

/** The error a hung attempt is failed with: no HTTP status, so it is retried like a network error. */
export class SendTimeoutError extends MissionctlError<"ETIMEDOUT"> {
  override name = "SendTimeoutError";
  constructor(timeoutMs: number) {
    super("ETIMEDOUT", `send did not settle within ${timeoutMs} ms`, { timeoutMs });
  }
}

/** Network errors raised before a request left this machine: Telegram cannot have seen it. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/**
 * Whether a failed attempt may have been delivered: a timeout or a connection lost mid-request may
 * have been processed; an HTTP answer (429, 5xx: Telegram said no) or a connection never made was not.
 *
 * @example
 * mayHaveBeenSent(new SendTimeoutError(60_000)); // true
 * mayHaveBeenSent({ response: { error_code: 502 } }); // false
 */
export function mayHaveBeenSent(err: unknown): boolean {
  const e = err as { code?: unknown; response?: { error_code?: unknown }; cause?: { code?: unknown } };
  if (typeof e?.response?.error_code === "number" || typeof e?.code === "number") return false;
  const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : "";
  return !NEVER_SENT.has(code);
}

/**
 * Calls `send` once; rejects with {@link SendTimeoutError} (and aborts the call) after `timeoutMs`.
 * `onAbortable` receives the controller, so the queue can cut the attempt when it stops.
 *
 * @example
 * await attemptSend({ send, clock, timeoutMs: 60_000 }, 42, "🔴 mm1 crashed: boom", false, (a) => (current = a));
 */
export function attemptSend(
  o: { send: SendFn; clock: Clock; timeoutMs: number },
  chatId: number,
  text: string,
  silent: boolean,
  onAbortable: (abort: AbortController | undefined) => void,
): Promise<unknown> {
  const abort = new AbortController();
  onAbortable(abort);
  return new Promise((resolve, reject) => {
    const timer = o.clock.setTimeout(() => {
      abort.abort();
      reject(new SendTimeoutError(o.timeoutMs));
    }, o.timeoutMs);
    const done = () => {
      o.clock.clearTimeout(timer);
      onAbortable(undefined);
    };
    Promise.resolve()
      .then(() =>
        o.send(chatId, text, silent ? { silent: true, signal: abort.signal } : { signal: abort.signal }),
      )
      .then(
        (value) => {
          done();
          resolve(value);
        },
        (err: unknown) => {
          done();
          reject(err);
        },
      );
  });
}
