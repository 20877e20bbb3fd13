import { type Clock, systemClock } from "../clock.ts";

/** What a receiver remembers of a command it executed: the last reply it sent, to send again. */
export interface SeenEntry {
  at: number;
  /**
   * The frame's bytes, or its text (src/ipc/codec.ts, encodeFrameText) as the command system keeps
   * it. Text is what it sent anyway, and a Buffer kept for minutes would keep a whole 8 KiB slab of
   * Node's Buffer pool alive with it: external memory that grows with every command, and that V8
   * answers with extra collections, a few µs per command in a busy process.
   */
  lastReply?: Buffer | string;
}

/** An entry with both fields from the start: one object shape, no transition when the reply is set. */
class Entry implements SeenEntry {
  lastReply: Buffer | string | undefined = undefined;
  constructor(readonly at: number) {}
}

/**
 * Recently seen command ids (docs/protocol.md, delivery: at least 10 minutes), so a re-sent command
 * is answered from memory instead of executed twice. Bounded by age and by count; insertion order is
 * age order.
 *
 * @example
 * const seen = new SeenCache({ ttlMs: 600_000 });
 * if (!seen.get(id)) seen.add(id);
 */
export class SeenCache {
  readonly #entries = new Map<string, SeenEntry>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #clock: Clock;
  /**
   * The entries oldest first, walked across calls. A Map keeps a deleted entry as a hole until it
   * rehashes, and a new iterator skips every hole from the start: pruning from a fresh iterator
   * on every add costs as many steps as entries expired since the last rehash (tens of thousands
   * in a busy process). This one moves past each hole once.
   */
  #cursor: MapIterator<[string, SeenEntry]> | undefined;
  /** The oldest entry not yet pruned, as the cursor gave it (get() may have dropped it since). */
  #oldest: [string, SeenEntry] | undefined;

  constructor(options: { ttlMs?: number; max?: number; clock?: Clock } = {}) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#max = options.max ?? 200_000;
    this.#clock = options.clock ?? systemClock;
  }

  get(commandId: string): SeenEntry | undefined {
    // A bot executes almost nothing, and hears every process's heartbeats: with nothing remembered
    // there is nothing to find, and no need to hash a fresh id to find it.
    if (this.#entries.size === 0) return undefined;
    const entry = this.#entries.get(commandId);
    if (entry && this.#clock.now() - entry.at > this.#ttlMs) {
      this.#entries.delete(commandId);
      return undefined;
    }
    return entry;
  }

  add(commandId: string): SeenEntry {
    const now = this.#clock.now();
    this.#prune(now);
    const entry = new Entry(now);
    this.#entries.set(commandId, entry);
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops entries older than the TTL, and the oldest beyond the count bound, oldest first. */
  #prune(now: number): void {
    const cutoff = now - this.#ttlMs;
    for (;;) {
      const oldest = this.#peekOldest();
      if (!oldest) return;
      const [id, entry] = oldest;
      if (entry.at >= cutoff && this.#entries.size < this.#max) return;
      // The same id may have been dropped by get() and added again since: that newer entry stays.
      if (this.#entries.get(id) === entry) this.#entries.delete(id);
      this.#oldest = undefined;
    }
  }

  #peekOldest(): [string, SeenEntry] | undefined {
    if (this.#oldest) return this.#oldest;
    if (this.#entries.size === 0) return undefined;
    this.#cursor ??= this.#entries.entries();
    const next = this.#cursor.next();
    // A finished Map iterator stays finished, even when entries are added later.
    if (next.done) {
      this.#cursor = this.#entries.entries();
      return this.#peekOldest();
    }
    this.#oldest = next.value;
    return this.#oldest;
  }
}
