import { type Clock, systemClock } from "../clock.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";

/** How long {@link joinProxy} waits: for the link, then for the subscriptions to stop arriving. */
export interface JoinOptions {
  /** Gives up after this long in all (default 1500 ms, the join window of a unicast request). */
  maxMs?: number;
  /** The presence burst is over once no process joined for this long (default 150 ms). */
  quietMs?: number;
  clock?: Clock;
}

/**
 * Waits until this proxy-mode process knows who is there: its link to the proxy is up and the
 * proxy's subscriptions (one `{id}.` per process present, sent when our publisher is admitted)
 * have stopped arriving for `quietMs`, or `maxMs` passed. A group target's expected replies are
 * the processes present at send time, so `missionctl send 'mm*' …` must not send before that.
 * Resolves with whether the link came up.
 *
 * @example
 * await ipc.start();
 * if (!(await joinProxy(ipc))) console.error("the proxy is not reachable");
 * await ipc.request("mm*", "status");
 */
export function joinProxy(ipc: IpcCommandSystem, options: JoinOptions = {}): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  const quietMs = options.quietMs ?? 150;
  return new Promise((resolve) => {
    let quiet: ReturnType<Clock["setTimeout"]> | undefined;
    const done = () => {
      clock.clearTimeout(deadline);
      if (quiet) clock.clearTimeout(quiet);
      ipc.off("proxyLink", restart);
      ipc.off("connected", restart);
      resolve(ipc.proxyLinkUp === true);
    };
    // Each arrival (the link, a process) restarts the quiet window; nothing arrives after the burst.
    const restart = () => {
      if (!ipc.proxyLinkUp) return;
      if (quiet) clock.clearTimeout(quiet);
      quiet = clock.setTimeout(done, quietMs);
    };
    const deadline = clock.setTimeout(done, options.maxMs ?? 1500);
    ipc.on("proxyLink", restart);
    ipc.on("connected", restart);
    restart();
  });
}
