import { type Clock, systemClock, type TimerHandle } from "../clock.ts";

/** How a sleep ended: its timer fired, or something interrupted it. */
export type SleepOutcome = "elapsed" | "interrupted";

/**
 * The strategy's sleep between steps: one timer and one promise, ended early by {@link interrupt}.
 * Nothing polls. When a sleep ends, by either path, its timer is cleared and its promise is settled,
 * so a cancelled sleep leaves nothing behind (the `asyncio.sleep(0)` loop this replaces left a task
 * behind every round; docs/strategy.md, "Why it doesn't poll").
 *
 * A sleep of `Infinity` sets no timer at all: it is the paused wait, ended only by an interrupt.
 *
 * @example
 * const sleeper = new Sleeper(clock);
 * setTimeout(() => sleeper.interrupt(), 10);
 * await sleeper.sleep(15 * 60_000); // "interrupted" after 10 ms
 */
interface PendingSleep {
  timer?: TimerHandle;
  endsAt?: number;
  resolve: (outcome: SleepOutcome) => void;
}

export class Sleeper {
  readonly #clock: Clock;
  #current?: PendingSleep;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** Sleeps `ms` (or until interrupted). Only one sleep at a time: a second call interrupts the first. */
  sleep(ms: number): Promise<SleepOutcome> {
    this.interrupt();
    return new Promise((resolve) => {
      const current: PendingSleep = { resolve };
      if (Number.isFinite(ms)) {
        const delay = Math.max(0, ms);
        current.endsAt = this.#clock.now() + delay;
        current.timer = this.#clock.setTimeout(() => this.#end(current, "elapsed"), delay);
      }
      this.#current = current;
    });
  }

  /** Ends the current sleep now; false when nobody sleeps. */
  interrupt(): boolean {
    const current = this.#current;
    if (!current) return false;
    this.#end(current, "interrupted");
    return true;
  }

  /** True while a sleep is pending. */
  get sleeping(): boolean {
    return this.#current !== undefined;
  }

  /** Epoch ms at which the current sleep ends by itself; undefined when not sleeping or sleeping forever. */
  get endsAt(): number | undefined {
    return this.#current?.endsAt;
  }

  #end(current: PendingSleep, outcome: SleepOutcome): void {
    if (this.#current !== current) return;
    this.#current = undefined;
    if (current.timer !== undefined) this.#clock.clearTimeout(current.timer);
    current.resolve(outcome);
  }
}
