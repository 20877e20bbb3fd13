/** What one step is handed: the {@link StepContext} the runtime builds for each step. */
import type { Clock } from "../clock.ts";
import type { IpcCommandSystem } from "../ipc/index.ts";
import type { Logger } from "../log.ts";
import { delay } from "./delay.ts";
import type { StepContext } from "./types.ts";

/** The parts of a {@link StepContext}; `log` is called only when the step first uses its logger. */
export interface StepContextParts {
  id: string;
  step: number;
  signal: AbortSignal;
  log: () => Logger;
  clock: Clock;
  ipc: IpcCommandSystem;
}

/**
 * The context of one step, whose `delay` waits on `clock` and rejects once `signal` aborts.
 *
 * @example
 * const log = lazyStepLogger(strategyLog, 7);
 * await definition.step(stepContext({ id: "mm1", step: 7, signal, log, clock, ipc }));
 */
export function stepContext(parts: StepContextParts): StepContext {
  const { id, step, signal, log, clock, ipc } = parts;
  return {
    id,
    step,
    signal,
    get log() {
      return log();
    },
    clock,
    ipc,
    delay: (ms) => delay(ms, signal, clock),
  };
}

/**
 * The logger of step `step`, a child of `parent` made the first time it is asked for: a pino child
 * per step sat on the path from a command (which ends the sleep) to the next step's start.
 *
 * @example
 * const log = lazyStepLogger(strategyLog, 7);
 * log().warn("step ignored its AbortSignal"); // the child is made here, once
 */
export function lazyStepLogger(parent: Logger, step: number): () => Logger {
  let child: Logger | undefined;
  return () => (child ??= parent.child({ step }));
}
