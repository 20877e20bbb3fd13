import { backoffDelay } from "../backoff.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import { classifyTelegramError } from "../telegram/retry.ts";
import { attemptSend, mayHaveBeenSent } from "./attempt.ts";
import { composeBatch, insertBySeq, type Outgoing, type Urgency } from "./batch.ts";
import { type OutboxHooks, repeatNote, rowIds } from "./outbox.ts";

export type { Outgoing } from "./batch.ts";

/** How a line is delivered: `silent` asks the Bot API for no notification sound (info lines). */
export interface SendOptions {
  silent?: boolean;
  /** Aborted when the attempt times out or the queue stops: the call may give up. */
  signal?: AbortSignal;
}

/** One attempt at the Bot API; the queue does the retrying. */
export type SendFn = (chatId: number, text: string, options?: SendOptions) => Promise<unknown>;

export interface ChatQueueOptions {
  send: SendFn;
  clock: Clock;
  log: Logger;
  maxQueue: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** An attempt that has not settled after this long counts as a network error (retried). */
  sendTimeoutMs: number;
  /** Minimum gap between two messages, and the wait that gathers non-urgent lines (0: none). */
  groupWindowMs: number;
  onIdle: () => void;
  /** The alert outbox (docs/state.md), told of every attempt and of how it ended; lines carry its row ids. */
  outbox?: OutboxHooks;
  /** The language of the lines it adds (a folded count, "sent again"): MISSIONCTL_LANG, default English. */
  lang?: Lang;
}

/** While messages keep carrying several lines, the gap before non-urgent ones doubles up to this many windows. */
const MAX_SPACING_WINDOWS = 16;

/**
 * The outbound queue of one chat. The most urgent lines leave first (crashed / disconnected, then
 * silent, then resolved, then info), but never ahead of an earlier line of the same process. An
 * urgent line with nothing before it is sent at once (README.md: a disconnect is asked of the Bot
 * API within 1 s); after each message the queue waits `groupWindowMs`, and lines of one urgency
 * that gathered meanwhile go as one message ({@link composeBatch}). Non-urgent lines also wait a
 * window for company, and that wait doubles while every message carries several lines (a flood).
 *
 * One message is in flight at a time, retried on 429 (after `retry_after`), 5xx and network errors
 * with exponential backoff and no deadline; between attempts its lines wait in line again, so a
 * crash that came meanwhile goes first. A final error (403, 400) drops only that message, logged.
 * Bounded: on overflow the oldest line of the least urgent kind goes (the new one if it is the
 * least urgent), logged.
 *
 * @example
 * const q = new ChatQueue(123, { send, clock, log, maxQueue: 1000, baseDelayMs: 500, maxDelayMs: 30_000,
 *   sendTimeoutMs: 60_000, groupWindowMs: 500, onIdle: () => {} });
 * q.push({ kind: "alert", alertKind: "crashed", processId: "mm1", text: "🔴 mm1 crashed: Error: boom",
 *   enqueuedAt: Date.now(), urgency: 0, seq: 1 });
 */
export class ChatQueue {
  /** Waiting lines by urgency, each oldest first. */
  readonly #pending: Outgoing[][] = [[], [], [], []];
  readonly #perProcess = new Map<string, number>();
  #inflight: readonly Outgoing[] = [];
  readonly #o: ChatQueueOptions;
  #running = false;
  #stopped = false;
  #wait?: { timer: TimerHandle; resolve: () => void; urgency: Urgency };
  #attemptAbort?: AbortController;
  #failures = 0;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  /** A 429's retry_after or a backoff: nothing is sent before. */
  #notBefore = Number.NEGATIVE_INFINITY;
  #spacing: number;
  /** Lines dropped on overflow or final errors, for the log. */
  dropped = 0;

  constructor(
    readonly chatId: number,
    options: ChatQueueOptions,
  ) {
    this.#o = options;
    this.#spacing = options.groupWindowMs;
  }

  /** Lines waiting, including those in flight. */
  get length(): number {
    return this.#pendingCount() + this.#inflight.length;
  }

  get busy(): boolean {
    return this.#running || this.#pendingCount() > 0;
  }

  push(item: Outgoing): void {
    if (this.#stopped || !this.#makeRoom(item)) return;
    this.#promote(item.processId, item.urgency);
    this.#pending[item.urgency]?.push(item);
    this.#perProcess.set(item.processId, (this.#perProcess.get(item.processId) ?? 0) + 1);
    this.#o.log.debug({ chatId: this.chatId, queued: this.length }, "alert queued");
    if (!this.#running) void this.#run();
    else if (this.#wait && item.urgency < this.#wait.urgency) this.#wake();
  }

  /** Stops delivering; what is still queued is dropped (logged). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.length > 0 && this.#o.outbox) {
      this.#o.log.info(
        { chatId: this.chatId, kept: this.length },
        "notifier stopped; queued alerts stay in the outbox",
      );
    } else if (this.length > 0) {
      this.#o.log.warn({ chatId: this.chatId, dropped: this.length }, "notifier stopped with alerts queued");
    }
    for (const bucket of this.#pending) bucket.length = 0;
    this.#perProcess.clear();
    this.#inflight = [];
    this.#attemptAbort?.abort();
    this.#wake();
  }

  #pendingCount(): number {
    return this.#pending.reduce((n, b) => n + b.length, 0);
  }

  /** Earlier lines of `processId` that are less urgent move up with it, in their order. */
  #promote(processId: string, urgency: Urgency): void {
    if (!this.#perProcess.get(processId)) return;
    const target = this.#pending[urgency] as Outgoing[];
    for (let u = urgency + 1; u < this.#pending.length; u++) {
      const bucket = this.#pending[u] as Outgoing[];
      for (let i = bucket.length - 1; i >= 0; i--) {
        const item = bucket[i] as Outgoing;
        if (item.processId !== processId) continue;
        bucket.splice(i, 1);
        item.urgency = urgency;
        insertBySeq(target, item);
      }
    }
  }

  /** Returns whether `incoming` may be queued. */
  #makeRoom(incoming: Outgoing): boolean {
    if (this.length < this.#o.maxQueue) return true;
    const least = [3, 2, 1, 0].find((u) => (this.#pending[u]?.length ?? 0) > 0);
    // Only what is in flight is queued: it may be delivered already, so it stays.
    if (least === undefined) return true;
    const dropNew = incoming.urgency > least;
    const victim = dropNew ? incoming : (this.#pending[least]?.shift() as Outgoing);
    if (!dropNew) this.#forget(victim);
    this.#o.outbox?.done(rowIds([victim]));
    this.dropped++;
    this.#o.log.error(
      { chatId: this.chatId, maxQueue: this.#o.maxQueue, dropped: victim.text, droppedTotal: this.dropped },
      `alert queue for chat ${this.chatId} is full (${this.#o.maxQueue}): dropped the ${dropNew ? "new" : "oldest"} ${victim.kind}`,
    );
    return !dropNew;
  }

  #forget(item: Outgoing): void {
    const n = (this.#perProcess.get(item.processId) ?? 1) - 1;
    if (n > 0) this.#perProcess.set(item.processId, n);
    else this.#perProcess.delete(item.processId);
  }

  /** When the most urgent waiting lines (of `urgency`) may leave. */
  #readyAt(urgency: Urgency): number {
    const window = this.#o.groupWindowMs;
    if (urgency === 0) return this.#lastSentAt + window;
    const maxSpacing = window * MAX_SPACING_WINDOWS;
    const spacing = this.#o.clock.now() - this.#lastSentAt > maxSpacing ? window : this.#spacing;
    const oldest = this.#pending[urgency]?.[0]?.enqueuedAt ?? 0;
    return Math.max(this.#lastSentAt + spacing, oldest + window);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#stopped) {
        const urgency = ([0, 1, 2, 3] as const).find((u) => (this.#pending[u]?.length ?? 0) > 0);
        if (urgency === undefined) break;
        const wait = Math.max(this.#readyAt(urgency), this.#notBefore) - this.#o.clock.now();
        if (wait > 0) {
          await this.#sleep(wait, urgency);
          continue;
        }
        const batch = this.#pending[urgency]?.splice(0) ?? [];
        for (const item of batch) this.#forget(item);
        this.#inflight = batch;
        const retry = await this.#deliver(batch, urgency);
        this.#inflight = [];
        // Not delivered: back in line, so that whatever became more urgent meanwhile goes first
        // and what joined its urgency goes along in the next attempt.
        if (retry && !this.#stopped) for (const item of batch) this.#requeue(item);
      }
    } finally {
      this.#running = false;
      this.#o.onIdle();
    }
  }

  #requeue(item: Outgoing): void {
    insertBySeq(this.#pending[item.urgency] as Outgoing[], item);
    this.#perProcess.set(item.processId, (this.#perProcess.get(item.processId) ?? 0) + 1);
  }

  /** One attempt at one message for `batch`; returns whether it is to be retried (after #notBefore). */
  async #deliver(batch: readonly Outgoing[], urgency: Urgency): Promise<boolean> {
    const head = batch[0] as Outgoing;
    const repeated = batch.find((i) => i.maybeSentAs !== undefined)?.maybeSentAs;
    const lang = this.#o.lang ?? "en";
    const text = composeBatch(batch, undefined, lang) + (repeated ? `\n${repeatNote(repeated, lang)}` : "");
    const ids = rowIds(batch);
    head.attempts = (head.attempts ?? 0) + 1;
    // Persisted before the request leaves: a crash during it makes the next start say "may repeat".
    const sendId = `${head.rowId ?? head.seq}.${head.attempts}`;
    if (ids.length) this.#o.outbox?.attempt(ids, sendId);
    try {
      await attemptSend(
        { send: this.#o.send, clock: this.#o.clock, timeoutMs: this.#o.sendTimeoutMs },
        this.chatId,
        text,
        urgency === 3,
        (abort) => {
          this.#attemptAbort = abort;
        },
      );
      // Delivered, even if the queue stopped meanwhile: the outbox must not send it again.
      if (ids.length) this.#o.outbox?.done(ids);
      if (this.#stopped) return false;
      this.#lastSentAt = this.#o.clock.now();
      const window = this.#o.groupWindowMs;
      this.#spacing = batch.length > 1 ? Math.min(this.#spacing * 2, window * MAX_SPACING_WINDOWS) : window;
      if (this.#failures > 0) {
        const delayMs = this.#o.clock.now() - head.enqueuedAt;
        this.#o.log.info(
          { chatId: this.chatId, failedAttempts: this.#failures, delayMs, lines: batch.length },
          "alert delivered after retries",
        );
      }
      this.#failures = 0;
      return false;
    } catch (err) {
      if (this.#stopped) return false;
      const decision = classifyTelegramError(err);
      if (!decision.retry) {
        if (ids.length) this.#o.outbox?.done(ids);
        this.dropped += batch.length;
        this.#failures = 0;
        this.#o.log.error({ chatId: this.chatId, err, text }, "alert refused by the Bot API; dropped");
        return false;
      }
      this.#failures++;
      if (this.#o.outbox && ids.length) {
        const maybeSent = mayHaveBeenSent(err);
        if (maybeSent) for (const item of batch) item.maybeSentAs = sendId;
        this.#o.outbox.failed(ids, maybeSent);
      }
      const backoff = { baseMs: this.#o.baseDelayMs, maxMs: this.#o.maxDelayMs };
      const delayMs = decision.afterMs ?? backoffDelay(this.#failures, backoff);
      this.#notBefore = this.#o.clock.now() + delayMs;
      this.#o.log.warn(
        { chatId: this.chatId, why: decision.why, attempt: this.#failures, delayMs, queued: this.length },
        "alert send failed; retrying",
      );
      return true;
    }
  }

  /** Ends early when a line more urgent than `urgency` arrives (the wait is then recomputed). */
  #sleep(ms: number, urgency: Urgency): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimeout(() => {
        this.#wait = undefined;
        resolve();
      }, ms);
      this.#wait = { timer, resolve, urgency };
    });
  }

  #wake(): void {
    const wait = this.#wait;
    this.#wait = undefined;
    if (!wait) return;
    this.#o.clock.clearTimeout(wait.timer);
    wait.resolve();
  }
}
