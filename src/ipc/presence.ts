import { isProcessId, targetMatches } from "./ids.ts";

/**
 * Who hears this process right now, read off the XPUB subscription messages: process `p`
 * subscribing `p.` means it is connected; its last unsubscription means it is gone. Counted,
 * because two sockets may carry the same id (a restarted process overlapping its predecessor).
 *
 * @example
 * const presence = new Presence((id, up) => console.log(id, up ? "joined" : "left"));
 * presence.update("mm1.", true); // "mm1 joined"
 */
export class Presence {
  readonly #counts = new Map<string, number>();

  constructor(private readonly onChange: (id: string, up: boolean) => void = () => {}) {}

  /** Feeds one subscription message (`topic` without the leading 0/1 byte). */
  update(topic: string, subscribed: boolean): void {
    if (!topic.endsWith(".")) return;
    const id = topic.slice(0, -1);
    if (!isProcessId(id)) return; // `*.` and `mm*.` say nothing about who is there
    const before = this.#counts.get(id) ?? 0;
    const after = Math.max(0, before + (subscribed ? 1 : -1));
    if (after === 0) this.#counts.delete(id);
    else this.#counts.set(id, after);
    if (before === 0 && after > 0) this.onChange(id, true);
    else if (before > 0 && after === 0) this.onChange(id, false);
  }

  has(id: string): boolean {
    return this.#counts.has(id);
  }

  ids(): string[] {
    return [...this.#counts.keys()].sort();
  }

  /** The connected processes a target (`mm1`, `*`, `mm*`) reaches. */
  matching(target: string): string[] {
    return this.ids().filter((id) => targetMatches(target, id));
  }
}
