/**
 * When the strategy loop runs its next step: at once, after a sleep of `intervalMs`, or not while
 * paused. pause, resume and wake act at any moment, a sleep included, because the sleep is one
 * interruptible timer ({@link Sleeper}): nothing polls.
 */
import type { Clock } from "../clock.ts";
import { Sleeper, type SleepOutcome } from "./sleeper.ts";
import type { StrategyState } from "./types.ts";

/** Where the loop is. `stopping` is not among them: the runtime says that, not the schedule. */
export type LoopState = Exclude<StrategyState, "stopping">;

/**
 * The loop's state between steps, and the sleep that pause, resume and wake interrupt.
 *
 * @example
 * const schedule = new StepSchedule(clock);
 * schedule.stepStarts();
 * // … the step runs …
 * if (!schedule.takeWake()) await schedule.sleep(60_000); // wake() or pause() ends it early
 */
export class StepSchedule {
  readonly #sleeper: Sleeper;
  #state: LoopState = "starting";
  #paused = false;
  #wakePending = false;

  constructor(clock: Clock) {
    this.#sleeper = new Sleeper(clock);
  }

  get state(): LoopState {
    return this.#state;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Epoch ms at which the next step starts by itself; undefined unless sleeping between steps. */
  get nextStepAt(): number | undefined {
    return this.#state === "sleeping" ? this.#sleeper.endsAt : undefined;
  }

  /** Stops scheduling steps: a sleep ends now, into the paused wait; a running step finishes first. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#wakePending = false;
    // The state changes now, not a microtask later, so the reply to `pause` already says `paused`.
    if (this.#state === "sleeping") this.#interruptInto("paused");
  }

  /** Schedules again: the paused wait ends now, into the next step. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#state === "paused") this.#interruptInto("running");
  }

  /** The next step starts now: the sleep ends, or the sleep after the running step is skipped. */
  wake(): void {
    if (this.#paused) return;
    if (this.#state === "sleeping") this.#interruptInto("running");
    else this.#wakePending = true; // a step is running (or about to): skip the sleep after it
  }

  /** A step starts; a wake that came before it is spent on it. */
  stepStarts(): void {
    this.#state = "running";
    this.#wakePending = false;
  }

  /** True (once) when a wake came during the last step: the loop skips the sleep. */
  takeWake(): boolean {
    if (!this.#wakePending) return false;
    this.#wakePending = false;
    return true;
  }

  /** Sleeps `ms` between steps, until the timer fires or an interrupt. */
  sleep(ms: number): Promise<SleepOutcome> {
    this.#state = "sleeping";
    return this.#sleeper.sleep(ms);
  }

  /** Waits, paused, until {@link resume} or an interrupt. */
  pausedWait(): Promise<SleepOutcome> {
    this.#state = "paused";
    return this.#sleeper.sleep(Number.POSITIVE_INFINITY);
  }

  /** Ends the sleep or the paused wait now, leaving the state as it is (a stop or a crash follows). */
  interrupt(): void {
    this.#sleeper.interrupt();
  }

  /** Ends the sleep (or paused wait) with the state the loop is about to enter. */
  #interruptInto(next: "paused" | "running"): void {
    this.#state = next;
    this.#sleeper.interrupt();
  }
}
