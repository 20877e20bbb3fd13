import type { Clock, TimerHandle } from "../clock.ts";
import { isTargetId, targetMatches } from "../ipc/ids.ts";
import { MonitorError } from "./errors.ts";
import type { Mute } from "./types.ts";

/**
 * Active mutes by target (`mm1`, `*`, `mm*`), each expiring on the clock. One mute per target: muting
 * a target again replaces its expiry.
 *
 * @example
 * const mutes = new MuteTable(clock, (m) => console.log(`${m.target} expired`));
 * mutes.add("mm*", 30 * 60_000);
 * mutes.isMuted("mm1"); // true
 */
export class MuteTable {
  readonly #mutes = new Map<string, { mute: Mute; timer: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (mute: Mute) => void = () => {},
  ) {}

  /** Mutes `target` until now + durationMs. Throws INVALID_TARGET / INVALID_DURATION. */
  add(target: string, durationMs: number, by?: string): Mute {
    if (typeof target !== "string" || !isTargetId(target)) {
      throw new MonitorError("INVALID_TARGET", `invalid mute target ${JSON.stringify(target)}`, { target });
    }
    if (!Number.isFinite(durationMs) || durationMs <= 0) {
      throw new MonitorError(
        "INVALID_DURATION",
        `mute duration must be a positive number of ms, got ${durationMs}`,
        {
          durationMs,
        },
      );
    }
    return this.restore({
      target,
      until: this.clock.now() + durationMs,
      ...(by !== undefined ? { by } : {}),
    });
  }

  /** Puts back a mute of an earlier run with its own expiry (it must still be in the future). */
  restore(saved: Mute): Mute {
    const { target } = saved;
    this.remove(target);
    const mute: Mute = { ...saved };
    const timer = this.clock.setTimeout(() => {
      if (this.#mutes.get(target)?.mute !== mute) return;
      this.#mutes.delete(target);
      this.onExpire(mute);
    }, saved.until - this.clock.now());
    this.#mutes.set(target, { mute, timer });
    return { ...mute };
  }

  /** Removes the mute of exactly this target; returns how many were removed (0 or 1). */
  remove(target: string): number {
    const entry = this.#mutes.get(target);
    if (!entry) return 0;
    this.clock.clearTimeout(entry.timer);
    this.#mutes.delete(target);
    return 1;
  }

  /** Active mutes, soonest expiry first. */
  list(): Mute[] {
    const now = this.clock.now();
    return [...this.#mutes.values()]
      .map((e) => ({ ...e.mute }))
      .filter((m) => m.until > now)
      .sort((a, b) => a.until - b.until || a.target.localeCompare(b.target));
  }

  /** The latest expiry among the mutes covering process `id`, if any. */
  mutedUntil(id: string): number | undefined {
    const now = this.clock.now();
    let until: number | undefined;
    for (const { mute } of this.#mutes.values()) {
      if (mute.until > now && targetMatches(mute.target, id)) until = Math.max(until ?? 0, mute.until);
    }
    return until;
  }

  isMuted(id: string): boolean {
    return this.mutedUntil(id) !== undefined;
  }

  /** Drops every mute and its timer. */
  clear(): void {
    for (const { timer } of this.#mutes.values()) this.clock.clearTimeout(timer);
    this.#mutes.clear();
  }
}
