import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { ChatApi } from "./chat.ts";
import { splitText } from "./format.ts";

export interface LiveMessageOptions {
  /** At most one edit per this interval (Telegram allows about one edit per second per message). */
  minEditIntervalMs?: number;
  /** Edit this message instead of sending a new one (a confirmation turning into progress). */
  messageId?: number;
  log?: Logger;
  /** Told the id of the first message once it is sent (not called for a `messageId` given here). */
  onFirstSent?: (messageId: number) => void;
}

/**
 * A chat message that follows a changing text: sent at once, then edited, at most once per
 * interval, always ending with the final text. Text over 4096 characters continues in further
 * messages. Intermediate texts are dropped when newer ones arrive (only the latest matters).
 *
 * @example
 * const live = new LiveMessage(chat, chatId, clock);
 * live.update("exit → mm1 …\nmm1: accepted");
 * await live.finish("exit → mm1\nmm1: ok, 0.8 s");
 */
export class LiveMessage {
  readonly #ids: number[] = [];
  readonly #shown: string[] = [];
  readonly #interval: number;
  #desired = "";
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;
  #flushing = false;
  #failed = false;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly chat: ChatApi,
    readonly chatId: number,
    private readonly clock: Clock,
    private readonly options: LiveMessageOptions = {},
  ) {
    this.#interval = options.minEditIntervalMs ?? 1000;
    if (options.messageId !== undefined) {
      this.#ids.push(options.messageId);
      this.#shown.push("\u0000"); // unknown: the first flush edits it
    }
  }

  /** The message ids in use (the first is the one that was answered at once). */
  get messageIds(): readonly number[] {
    return this.#ids;
  }

  /** True once an update could not be delivered (the message was given up). */
  get failed(): boolean {
    return this.#failed;
  }

  /** Shows `text` as soon as the throttle allows. */
  update(text: string): void {
    this.#desired = text;
    this.#schedule();
  }

  /** Shows `text` as the final state; resolves once it is delivered (or delivery failed). */
  finish(text: string): Promise<void> {
    this.#desired = text;
    const done = new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#schedule();
    this.#settleWaiters();
    return done;
  }

  #schedule(): void {
    if (this.#flushing || this.#timer !== undefined || this.#failed) return;
    if (this.#upToDate()) return;
    const wait = this.#lastFlushAt + this.#interval - this.clock.now();
    if (wait <= 0) {
      void this.#flush();
      return;
    }
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, wait);
  }

  #upToDate(): boolean {
    const chunks = splitText(this.#desired);
    return chunks.length <= this.#ids.length && chunks.every((c, i) => this.#shown[i] === c);
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    const chunks = splitText(this.#desired);
    try {
      for (const [i, chunk] of chunks.entries()) {
        const id = this.#ids[i];
        if (id === undefined) {
          const [sent] = await this.chat.send(this.chatId, chunk);
          if (sent !== undefined) {
            this.#ids.push(sent);
            if (this.#ids.length === 1) this.options.onFirstSent?.(sent);
          }
        } else if (this.#shown[i] !== chunk) {
          await this.chat.edit(this.chatId, id, chunk);
        }
        this.#shown[i] = chunk;
      }
    } catch (err) {
      // Retries already happened below us; a message we cannot update is given up, not fatal.
      this.#failed = true;
      this.options.log?.warn({ err, chatId: this.chatId }, "could not update progress message");
    } finally {
      this.#lastFlushAt = this.clock.now();
      this.#flushing = false;
    }
    this.#schedule();
    this.#settleWaiters();
  }

  #settleWaiters(): void {
    if (this.#flushing || this.#timer !== undefined) return;
    if (!this.#failed && !this.#upToDate()) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
