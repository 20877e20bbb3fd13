/** What the monitor's persistence (src/monitor/persistence.ts) is given. */
import type { Clock } from "../clock.ts";
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { MonitorStore } from "../state/processes.ts";
import type { IncidentBook } from "./incidents.ts";
import type { LivenessSink } from "./liveness-contract.ts";
import type { MuteTable } from "./mutes.ts";
import type { ProcessTable } from "./records.ts";

/** What the monitor needs of the state: its store and transactions (a `StateStore` is one). */
export interface MonitorState {
  atomic<T>(fn: () => T): T;
  readonly monitor: MonitorStore;
}

export interface MonitorPersistenceOptions {
  state: MonitorState;
  clock: Clock;
  log: Logger;
  table: ProcessTable;
  book: IncidentBook;
  mutes: MuteTable;
  /** The sink the tracker reports to (the incident book); wrapped by {@link MonitorPersistence.sink}. */
  inner: LivenessSink;
  /** Configured processes: never forgotten. */
  configured: ReadonlySet<string>;
  /** How a process is reached, when configured with an address. */
  addressOf?: (id: string) => string | undefined;
  /** Whether the bot asked `id` to exit (an /exit the last run had in flight): its absence is planned. */
  exitExpected?: (id: string) => boolean;
  /** How long a process up before the restart may take to show up (default 5 s). */
  restoreGraceMs?: number;
  /** A process not seen for this long, and not configured, is forgotten (default 7 days). */
  forgetAfterMs?: number;
  /** Process rows are written at most this often (default 1 s). */
  flushMs?: number;
  /**
   * A row whose only news is a later heartbeat is rewritten at most this often (default 15 s): the
   * restart needs the last heartbeat to the minute, and 5,000 processes must not cost 5,000 writes a second.
   */
  refreshMs?: number;
  /** The language of the lines it publishes after a restart (MISSIONCTL_LANG; default English). */
  lang?: Lang;
}
