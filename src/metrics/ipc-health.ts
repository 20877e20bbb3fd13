/** The "ipc" part of the health check, read from the IPC command system at each check. */
import type { BotHealth } from "./health.ts";

/** What the probe reads: an IpcCommandSystem. */
export interface IpcState {
  /** Started and not stopped. */
  readonly started: boolean;
  /** Proxy mode: whether the link to the proxy is up; undefined outside proxy mode. */
  readonly proxyLinkUp: boolean | undefined;
}

/**
 * Whether the bot's IPC works: its command system is started, and in proxy mode its link to the
 * proxy is up (over ipc, one process gone is the monitor's business, not the bot's health).
 *
 * @example
 * ipcHealthy(ipc); // false once ipc.stop() was called
 */
export function ipcHealthy(ipc: IpcState): boolean {
  return ipc.started && ipc.proxyLinkUp !== false;
}

/**
 * Makes `health`'s "ipc" part follow `ipc` (read at every check: stopping has no event to hear).
 *
 * @example
 * watchIpcHealth(ipc, health);
 * health.down(); // ["telegram"] while the IPC is up and Telegram not yet
 */
export function watchIpcHealth(ipc: IpcState, health: BotHealth): void {
  health.probe("ipc", () => ipcHealthy(ipc));
}
