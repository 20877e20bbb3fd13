/**
 * Watches the allow directory (inotify through `fs.watch`, no polling) and calls back once per
 * burst of changes: writing a key file is several events, and one reload is enough.
 */
import { type FSWatcher, watch } from "node:fs";
import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";

/**
 * Calls `onChange` `debounceMs` after the last change in `dir`. A watcher that fails (the directory
 * was removed) calls `onChange` too, so the reload sees the directory gone, then stops.
 *
 * @example
 * const watcher = watchDir("/etc/missionctl/allow", () => proxy.reload(), { clock, log });
 * watcher.close();
 */
export function watchDir(
  dir: string,
  onChange: () => void,
  options: { clock: Clock; log: Logger; debounceMs?: number },
): { close(): void } {
  const { clock, log } = options;
  const debounceMs = options.debounceMs ?? 200;
  let timer: TimerHandle | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    if (!closed) onChange();
  };
  const changed = () => {
    if (closed) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(fire, debounceMs);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, changed);
    watcher.on("error", (err) => {
      log.warn({ err, dir }, "allow directory no longer watched: reload with SIGHUP");
      watcher?.close();
      changed();
    });
  } catch (err) {
    log.warn({ err, dir }, "allow directory cannot be watched: reload with SIGHUP");
  }
  return {
    close() {
      closed = true;
      watcher?.close();
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
