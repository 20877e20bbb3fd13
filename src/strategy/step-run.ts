import type { Clock, TimerHandle } from "../clock.ts";

/** How one step ended. `aborted`: it rejected after its signal aborted; `abandoned`: it outlived the grace. */
export type StepOutcome =
  | { kind: "completed"; ms: number }
  | { kind: "failed"; ms: number; error: unknown }
  | { kind: "aborted"; ms: number }
  | { kind: "abandoned"; ms: number };

/**
 * One execution of a step, with its AbortController and the grace timer that bounds an abort.
 * `outcome` always settles: when the step settles, or `graceMs` after {@link abort} if the step
 * ignores its signal. The grace timer is cleared when the step settles first; an abandoned step's
 * eventual rejection is swallowed here, never an unhandled rejection.
 *
 * @example
 * const run = new StepRun((signal) => fetchBook(signal), clock, 5000);
 * run.abort("exit_now");
 * const outcome = await run.outcome; // { kind: "aborted", ms } or, after 5 s, { kind: "abandoned", ms }
 */
export class StepRun {
  readonly outcome: Promise<StepOutcome>;
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #startedAt: number;
  #grace?: TimerHandle;
  #settled = false;
  #settle!: (outcome: StepOutcome) => void;

  constructor(step: (signal: AbortSignal) => unknown, clock: Clock, graceMs: number) {
    this.#clock = clock;
    this.#graceMs = graceMs;
    this.#startedAt = clock.now();
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
    const signal = this.#controller.signal;
    new Promise((resolve) => resolve(step(signal))).then(
      () => this.#end({ kind: "completed", ms: this.#elapsed() }),
      (error: unknown) =>
        this.#end(
          signal.aborted
            ? { kind: "aborted", ms: this.#elapsed() }
            : { kind: "failed", ms: this.#elapsed(), error },
        ),
    );
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Aborts the step's signal and starts the grace period (once; later calls do nothing). */
  abort(reason: string): void {
    if (this.#settled || this.#grace !== undefined) return;
    this.#grace = this.#clock.setTimeout(() => {
      this.#grace = undefined;
      this.#end({ kind: "abandoned", ms: this.#elapsed() });
    }, this.#graceMs);
    this.#controller.abort(reason);
  }

  #elapsed(): number {
    return this.#clock.now() - this.#startedAt;
  }

  #end(outcome: StepOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#grace !== undefined) this.#clock.clearTimeout(this.#grace);
    this.#grace = undefined;
    this.#settle(outcome);
  }
}
