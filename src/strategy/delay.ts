import { type Clock, systemClock } from "../clock.ts";
import { StepAbortedError } from "./errors.ts";

/**
 * Waits `ms` on `clock`, or rejects with {@link StepAbortedError} as soon as `signal` aborts.
 * Either way the timer is cleared and the abort listener removed: nothing outlives the wait.
 * Steps use it as `ctx.delay(ms)` for simulated work or back-off that exit_now must cut short.
 *
 * @example
 * const ac = new AbortController();
 * const wait = delay(60_000, ac.signal);
 * ac.abort("exit_now"); // wait rejects with StepAbortedError at once
 */
export function delay(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(new StepAbortedError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(new StepAbortedError(signal?.reason));
    };
    const timer = clock.setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
