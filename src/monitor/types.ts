/**
 * The monitor's public face, as the bot's commands (/status, /mute, /unmute, /alerts) use it.
 * The implementation lives beside this file.
 */

/**
 * Liveness of one process as the monitor sees it from outside. Muting is an overlay, not a state:
 * a muted process keeps its liveness state and shows `mutedUntil`.
 */
export type LivenessState = "unknown" | "up" | "silent" | "down" | "stopped";

export interface ProcessView {
  id: string;
  state: LivenessState;
  /** The strategy's own state from its last heartbeat (`sleeping`, `running`, ...). */
  strategyState?: string;
  /** True while the process is present (XPUB subscription) right now. */
  connected: boolean;
  /** Epoch ms of the last heartbeat, if any. */
  lastHeartbeatAt?: number;
  /** The heartbeat interval the process announces. */
  heartbeatIntervalMs?: number;
  /** Epoch ms until which alerts for this process are muted. */
  mutedUntil?: number;
  /** The pid from its last heartbeat. */
  pid?: number;
  /** Configured (MISSIONCTL_PROCESSES) and not seen once since the monitor started. */
  neverConnected?: boolean;
}

export type IncidentKind = "crashed" | "disconnected" | "silent";

export interface Incident {
  id: string;
  kind: IncidentKind;
  since: number;
  detail?: string;
  /** How many alerts were sent for it (first + repeats). */
  alerts: number;
  /** The process is flapping: per-transition alerts are folded into one summary. */
  flapping?: boolean;
  /** Alerts for it are muted right now (it is still tracked). */
  muted?: boolean;
}

export interface Mute {
  /** The target as given (`mm1`, `*`, `mm*`). */
  target: string;
  until: number;
  by?: string;
}

export interface MonitorApi {
  /** Every known process, sorted by id. */
  processes(): ProcessView[];
  incidents(): Incident[];
  mutes(): Mute[];
  /** Mutes alerts for a target until now + durationMs; returns the mute. */
  mute(target: string, durationMs: number, by?: string): Mute;
  /** Removes mutes for exactly this target; returns how many were removed. */
  unmute(target: string): number;
  /** The bot itself asked `ids` to exit: their disconnect is planned, not an incident. */
  expectExit(ids: string[]): void;
  /** The exit asked of `ids` did not happen (error reply, never reached): a disconnect is unplanned again. */
  cancelExpectedExit(ids: string[]): void;
}
