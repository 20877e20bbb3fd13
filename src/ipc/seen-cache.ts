import { type Clock, systemClock } from "../clock.ts";

/** What a receiver remembers of a command it executed: the last reply it sent, to send again. */
export interface SeenEntry {
  at: number;
  lastReply?: Buffer;
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
    this.#prune();
    const entry: SeenEntry = { at: this.#clock.now() };
    this.#entries.set(commandId, entry);
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }

  #prune(): void {
    const cutoff = this.#clock.now() - this.#ttlMs;
    for (const [id, entry] of this.#entries) {
      if (entry.at >= cutoff && this.#entries.size < this.#max) break;
      this.#entries.delete(id);
    }
  }
}
