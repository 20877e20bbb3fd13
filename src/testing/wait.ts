import type { EventEmitter } from "node:events";

/** The harness's wait ran out. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
  readonly code = "WAIT_TIMEOUT" as const;
}

/**
 * Resolves with the first truthy value of `probe`, checked now, on every event of `source` and
 * every 20 ms (for state that changes without an event); rejects with a {@link WaitTimeoutError}
 * after `ms`, appending `context()` (e.g. the chat transcript) to the message.
 *
 * @example
 * const msg = await waitFor(() => tg.botMessages().find((m) => /ok/.test(m.text)), 5000, "an ok");
 */
export function waitFor<T>(
  probe: () => T | undefined | false | null,
  ms: number,
  what: string,
  source?: EventEmitter,
  context?: () => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = probe();
    if (first) return resolve(first);
    const check = () => {
      const value = probe();
      if (!value) return;
      cleanup();
      resolve(value);
    };
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => {
      cleanup();
      const extra = context?.();
      reject(
        new WaitTimeoutError(`timed out after ${ms} ms waiting for ${what}${extra ? `\n${extra}` : ""}`),
      );
    }, ms);
    const cleanup = () => {
      clearInterval(poll);
      clearTimeout(timer);
      for (const name of ["message", "call", "answer"]) source?.off(name, check);
    };
    for (const name of ["message", "call", "answer"]) source?.on(name, check);
  });
}
