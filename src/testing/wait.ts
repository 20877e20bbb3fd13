import { MissionctlError } from "../errors.ts";

/** A wait of the test kit ran out; the message names what was awaited and, when known, the chat. */
export class WaitTimeoutError extends MissionctlError<"WAIT_TIMEOUT"> {
  override name = "WaitTimeoutError";
  constructor(what: string, timeoutMs: number, context?: string) {
    super(
      "WAIT_TIMEOUT",
      `timed out after ${timeoutMs} ms waiting for ${what}${context ? `\n${context}` : ""}`,
      {
        what,
        timeoutMs,
      },
    );
  }
}

/** Something that emits events (a typed EventEmitter, e.g. FakeTelegram, an IpcCommandSystem, the bus). */
export interface WaitEmitter {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** An emitter, and the events after which the awaited state may have changed. */
export interface WaitSource {
  emitter: WaitEmitter;
  events: readonly string[];
}

export interface WaitOptions {
  /** Real milliseconds: see {@link waitFor}. */
  timeoutMs: number;
  /** What is awaited, for the timeout's message ("a bot message matching /ok/"). */
  what: string;
  /** Appended to the timeout's message, e.g. the chat transcript. */
  context?: () => string;
}

/**
 * Resolves with the first truthy value of `probe`: checked now and after every event of `sources`,
 * never on a timer, so a probe must name the events that change what it reads. Rejects with a
 * {@link WaitTimeoutError} after `timeoutMs`.
 *
 * The limit is real time (Node's setTimeout), also when the code under test runs on a FakeClock:
 * nothing advances a fake clock while a test is awaiting, so a limit on it would never fire, and a
 * failing wait would hang until the test runner's own timeout, without the transcript.
 *
 * @example
 * const msg = await waitFor(
 *   () => tg.botMessages().find((m) => /ok/.test(m.text)),
 *   [{ emitter: tg, events: ["message"] }],
 *   { timeoutMs: 5000, what: "an ok" },
 * );
 */
export function waitFor<T>(
  probe: () => T | undefined | false | null,
  sources: readonly WaitSource[],
  options: WaitOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = probe();
    if (first) return resolve(first);
    const check = () => {
      let value: T | undefined | false | null;
      try {
        value = probe();
      } catch (err) {
        cleanup();
        reject(err);
        return;
      }
      if (!value) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new WaitTimeoutError(options.what, options.timeoutMs, options.context?.()));
    }, options.timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      for (const { emitter, events } of sources) for (const name of events) emitter.off(name, check);
    };
    for (const { emitter, events } of sources) for (const name of events) emitter.on(name, check);
  });
}
