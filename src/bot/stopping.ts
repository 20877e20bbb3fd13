/** Small pieces of the bot's stop path: waiting for work with a limit, and linking abort signals. */
import type { Clock } from "../clock.ts";

/** Resolves true once no task is left, or false after `ms` on the clock. */
export async function drained(tasks: Set<Promise<void>>, clock: Clock, ms: number): Promise<boolean> {
  if (tasks.size === 0) return true;
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), ms);
  });
  const all = (async () => {
    while (tasks.size > 0) await Promise.all([...tasks]);
    return true as const;
  })();
  try {
    return await Promise.race([all, late]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}

/**
 * A signal that aborts with either input. telegraf's polling passes a polyfilled signal that
 * AbortSignal.any refuses, so this links by listener; dispose() drops the listeners again.
 */
export function linkSignals(
  ours: AbortSignal,
  theirs: AbortSignal | undefined,
): { signal: AbortSignal; dispose: () => void } {
  if (!theirs) return { signal: ours, dispose: () => {} };
  const both = new AbortController();
  const abort = () => both.abort();
  if (ours.aborted || theirs.aborted) both.abort();
  ours.addEventListener("abort", abort, { once: true });
  theirs.addEventListener("abort", abort, { once: true });
  return {
    signal: both.signal,
    dispose: () => {
      ours.removeEventListener("abort", abort);
      theirs.removeEventListener("abort", abort);
    },
  };
}
