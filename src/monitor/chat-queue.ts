import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";
import { classifyTelegramError } from "../telegram/retry.ts";

/** How a line is delivered: `silent` asks the Bot API for no notification sound (info lines). */
export interface SendOptions {
  silent?: boolean;
}

/** One attempt at the Bot API; the queue does the retrying. */
export type SendFn = (chatId: number, text: string, options?: SendOptions) => Promise<unknown>;

export interface Outgoing {
  kind: "alert" | "resolved" | "info";
  text: string;
  enqueuedAt: number;
}

export interface ChatQueueOptions {
  send: SendFn;
  clock: Clock;
  log: Logger;
  maxQueue: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** An attempt that has not settled after this long counts as a network error (retried). */
  sendTimeoutMs: number;
  onIdle: () => void;
}

/** The error a hung attempt is failed with: no HTTP status, so it is retried like a network error. */
class SendTimeoutError extends Error {
  override name = "SendTimeoutError";
  readonly code = "ETIMEDOUT" as const;
}

/**
 * The outbound queue of one chat: strictly in order, one message in flight, the head retried on
 * 429 (after `retry_after`), 5xx and network errors with exponential backoff — without a deadline,
 * so an outage of minutes delays alerts but loses none. A final error (403 blocked, 400) drops only
 * that message, logged. Bounded: on overflow the oldest queued info line goes first, else the oldest
 * queued alert, each with an error log line.
 *
 * @example
 * const q = new ChatQueue(123, { send, clock, log, maxQueue: 1000, baseDelayMs: 500, maxDelayMs: 30_000,
 *   sendTimeoutMs: 60_000, onIdle: () => {} });
 * q.push({ kind: "alert", text: "🔴 mm1 crashed: Error: boom", enqueuedAt: Date.now() });
 */
export class ChatQueue {
  readonly #items: Outgoing[] = [];
  readonly #o: ChatQueueOptions;
  #running = false;
  #stopped = false;
  #wait?: { timer: TimerHandle; resolve: () => void };
  #failures = 0;
  /** Messages dropped on overflow or final errors, for the log. */
  dropped = 0;

  constructor(
    readonly chatId: number,
    options: ChatQueueOptions,
  ) {
    this.#o = options;
  }

  /** Messages waiting, including the one in flight. */
  get length(): number {
    return this.#items.length;
  }

  get busy(): boolean {
    return this.#running || this.#items.length > 0;
  }

  push(item: Outgoing): void {
    if (this.#stopped) return;
    if (this.#items.length >= this.#o.maxQueue) this.#dropForRoom();
    this.#items.push(item);
    const queued = this.#items.length;
    if (queued > 1) this.#o.log.info({ chatId: this.chatId, queued }, "alert queued behind others");
    if (!this.#running) void this.#run();
  }

  /** Stops delivering; what is still queued is dropped (logged). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#items.length > 0) {
      this.#o.log.warn(
        { chatId: this.chatId, dropped: this.#items.length },
        "notifier stopped with alerts queued",
      );
    }
    this.#items.length = 0;
    const wait = this.#wait;
    this.#wait = undefined;
    if (wait) {
      this.#o.clock.clearTimeout(wait.timer);
      wait.resolve();
    }
  }

  #dropForRoom(): void {
    // Never the head while it is in flight: it may be delivered already.
    const from = this.#running ? 1 : 0;
    let index = this.#items.findIndex((m, i) => i >= from && m.kind === "info");
    if (index < 0) index = from;
    const [victim] = this.#items.splice(index, 1);
    this.dropped++;
    this.#o.log.error(
      { chatId: this.chatId, maxQueue: this.#o.maxQueue, dropped: victim?.text, droppedTotal: this.dropped },
      `alert queue for chat ${this.chatId} is full (${this.#o.maxQueue}): dropped the oldest ${victim?.kind ?? "message"}`,
    );
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#stopped) {
        const head = this.#items[0];
        if (!head) break;
        try {
          await this.#attempt(head);
          if (this.#stopped) break;
          if (this.#items[0] === head) this.#items.shift();
          if (this.#failures > 0) {
            this.#o.log.info(
              {
                chatId: this.chatId,
                failedAttempts: this.#failures,
                delayMs: this.#o.clock.now() - head.enqueuedAt,
              },
              "alert delivered after retries",
            );
          }
          this.#failures = 0;
        } catch (err) {
          if (this.#stopped) break;
          const decision = classifyTelegramError(err);
          if (!decision.retry) {
            if (this.#items[0] === head) this.#items.shift();
            this.dropped++;
            this.#failures = 0;
            this.#o.log.error(
              { chatId: this.chatId, err, text: head.text },
              "alert refused by the Bot API; dropped",
            );
            continue;
          }
          this.#failures++;
          const backoff = Math.min(
            this.#o.maxDelayMs,
            this.#o.baseDelayMs * 2 ** Math.min(this.#failures - 1, 20),
          );
          const delayMs = decision.afterMs ?? backoff;
          this.#o.log.warn(
            {
              chatId: this.chatId,
              why: decision.why,
              attempt: this.#failures,
              delayMs,
              queued: this.#items.length,
            },
            "alert send failed; retrying",
          );
          await this.#sleep(delayMs);
        }
      }
    } finally {
      this.#running = false;
      this.#o.onIdle();
    }
  }

  #attempt(item: Outgoing): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.#o.clock.setTimeout(
        () => reject(new SendTimeoutError(`send did not settle within ${this.#o.sendTimeoutMs} ms`)),
        this.#o.sendTimeoutMs,
      );
      const done = () => this.#o.clock.clearTimeout(timer);
      Promise.resolve()
        .then(() => this.#o.send(this.chatId, item.text, item.kind === "info" ? { silent: true } : {}))
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

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimeout(() => {
        this.#wait = undefined;
        resolve();
      }, ms);
      this.#wait = { timer, resolve };
    });
  }
}
