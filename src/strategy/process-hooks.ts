import { setLongTimeout } from "../clock.ts";

/** The part of `process` the runtime touches, so tests can hand it a fake. */
export interface ProcessHost {
  readonly pid: number;
  exitCode?: number | string | null | undefined;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  exit(code?: number): void;
}

export interface ProcessHookHandlers {
  /** SIGTERM or SIGINT arrived; `count` is how many signals so far (1, 2, ...). */
  signal(name: "SIGTERM" | "SIGINT", count: number): void;
  /** An uncaught exception (or an unhandled rejection, which Node turns into one). */
  uncaught(error: unknown): void;
}

/**
 * Hooks SIGTERM, SIGINT and uncaughtException of `host`; returns the function that removes exactly
 * those listeners again.
 *
 * @example
 * const unhook = installProcessHooks(process, { signal: (s) => strategy.stop(s), uncaught: (e) => crash(e) });
 * unhook();
 */
export function installProcessHooks(host: ProcessHost, handlers: ProcessHookHandlers): () => void {
  let signals = 0;
  const onTerm = (): void => handlers.signal("SIGTERM", ++signals);
  const onInt = (): void => handlers.signal("SIGINT", ++signals);
  const onUncaught = (error: unknown): void => handlers.uncaught(error);
  host.on("SIGTERM", onTerm);
  host.on("SIGINT", onInt);
  host.on("uncaughtException", onUncaught);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    host.off("SIGTERM", onTerm);
    host.off("SIGINT", onInt);
    host.off("uncaughtException", onUncaught);
  };
}

/**
 * The one forced exit the runtime allows itself, after an abandoned step or an uncaught exception:
 * our own handles are closed by then, so whatever still keeps the process alive is the runaway
 * code's. The timer is unref'd, so a process that can exit by itself does so first.
 *
 * @example
 * scheduleForcedExit(process, 1, 1000);
 */
export function scheduleForcedExit(host: ProcessHost, code: number, delayMs: number): void {
  // setLongTimeout: a plain Node timer would exit at once for a delay beyond 2^31−1 ms.
  setLongTimeout(() => host.exit(code), delayMs, true);
}
