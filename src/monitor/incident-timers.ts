/**
 * The IncidentBook's two timers per process: the repeat of an alert still unresolved, and the end
 * of a flapping fold once the process has been quiet for a whole flap window.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { BookEntry } from "./incident-entry.ts";

/** What the timers need: the schedule, and what to run when they fire. */
export interface IncidentTimersOptions {
  clock: Clock;
  alertRepeatMs: number;
  flapWindowMs: number;
  /**
   * Wraps what a timer runs: the book's state change and what it publishes (the alert outbox) land
   * in one transaction, so a crash cannot keep one without the other.
   */
  atomic?: (fn: () => void) => void;
  /** An alert's repeat is due (the entry's repeat timer is already cleared). */
  onRepeat: (entry: BookEntry) => void;
  /** The entry's fold saw no transition for a whole flap window. */
  onStable: (entry: BookEntry) => void;
}

/**
 * Arms, restarts and clears the timers kept on each {@link BookEntry}.
 *
 * @example
 * const timers = new IncidentTimers({ clock, alertRepeatMs: 1_800_000, flapWindowMs: 60_000, onRepeat, onStable });
 * timers.armRepeat(entry); // onRepeat(entry) in 30 min, unless cleared or re-armed first
 */
export class IncidentTimers {
  readonly #o: IncidentTimersOptions;

  constructor(options: IncidentTimersOptions) {
    this.#o = options;
  }

  /** (Re)arms the repeat of `entry`, due `afterMs` from now. */
  armRepeat(entry: BookEntry, afterMs = this.#o.alertRepeatMs): void {
    this.clearRepeat(entry);
    entry.repeatTimer = this.#o.clock.setTimeout(
      () =>
        this.#atomic(() => {
          entry.repeatTimer = undefined;
          this.#o.onRepeat(entry);
        }),
      afterMs,
    );
  }

  clearRepeat(entry: BookEntry): void {
    if (entry.repeatTimer) this.#o.clock.clearTimeout(entry.repeatTimer);
    entry.repeatTimer = undefined;
  }

  /** A timer for a fold starting now; the caller keeps it on the fold. */
  stableTimer(entry: BookEntry): TimerHandle {
    return this.#o.clock.setTimeout(() => this.#atomic(() => this.#o.onStable(entry)), this.#o.flapWindowMs);
  }

  /** A transition while folded: the quiet window starts again. */
  restartStable(entry: BookEntry): void {
    if (!entry.flap) return;
    this.#o.clock.clearTimeout(entry.flap.stableTimer);
    entry.flap.stableTimer = this.stableTimer(entry);
  }

  /** Clears both timers of an entry the book drops. */
  stopAll(entry: BookEntry): void {
    this.clearRepeat(entry);
    if (entry.flap) this.#o.clock.clearTimeout(entry.flap.stableTimer);
  }

  #atomic(fn: () => void): void {
    if (this.#o.atomic) this.#o.atomic(fn);
    else fn();
  }
}
