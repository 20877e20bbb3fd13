/** What the liveness tracker (src/monitor/liveness.ts) is given, and what it reports to. */
import type { Clock } from "../clock.ts";
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { IncidentKind } from "./types.ts";

/** What the state machine reports; the alert policy (dedup, mutes, flapping, repeats) is the sink's. */
export interface LivenessSink {
  /** An incident began, or the open one changed kind (silent → disconnected). */
  incident(id: string, kind: IncidentKind, detail: string): void;
  /** The open incident of `id` ended; `how` completes "resolved: …". */
  recovered(id: string, how: string): void;
  /** A quiet line: a planned stop, a restart. */
  info(id: string, text: string): void;
}

export interface LivenessTrackerOptions {
  clock: Clock;
  log: Logger;
  sink: LivenessSink;
  heartbeatGrace: number;
  settleMs: number;
  expectExitTtlMs?: number;
  /** The most processes tracked (configured ones always have a slot); default 1000. */
  maxProcesses?: number;
  /** The language of the details and info lines it reports (MISSIONCTL_LANG; default English). */
  lang?: Lang;
}
