import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { IncidentKind, LivenessState, ProcessView } from "./types.ts";

/** How often the "limit reached" warning may be logged again while new ids keep being refused. */
export const LIMIT_LOG_INTERVAL_MS = 60_000;

/** What the monitor knows about one process. */
export interface ProcessRecord {
  id: string;
  state: LivenessState;
  strategyState?: string;
  pid?: number;
  /** XPUB presence: the process hears us. */
  presence: boolean;
  /** Our SUB link to it; undefined until an event or a heartbeat tells. */
  link?: boolean;
  lastHeartbeatAt?: number;
  intervalMs?: number;
  silenceTimer?: TimerHandle;
  /** A loss signal arrived; waiting for a `stopped` that may travel on the other socket. */
  settleTimer?: TimerHandle;
  /** Why the process is down (`crashed` or `disconnected`). */
  downKind?: IncidentKind;
  /** The pid that announced its own end (stopped / crash): its late frames are not a comeback. */
  endedPid?: number;
  /** Epoch ms of its planned stop: the oldest stopped process gives its slot up first. */
  endedAt?: number;
  /** Configured, and no sign of it since the monitor started. */
  neverSeen?: boolean;
  /** Known from the state of the last run, and no sign of it since this one started. */
  restored?: boolean;
}

export interface ProcessTableOptions {
  clock: Clock;
  log: Logger;
  /** The most processes tracked; configured ones always get a slot on top of discovered ones. */
  maxProcesses: number;
  /** Called for the first id refused since the table was created or cleared. */
  onFirstRefusal: (id: string, max: number) => void;
}

export const isConnected = (r: ProcessRecord): boolean => r.presence || r.link === true;

/** A sign of life from the process itself: it is neither "never seen" nor only remembered any more. */
export function markSeen(r: ProcessRecord): void {
  r.neverSeen = false;
  r.restored = undefined;
}

/**
 * The bounded set of process records. A peer that invents ids (or a real fleet larger than the
 * limit) cannot grow it without end: at the limit, the oldest planned-stopped process gives its
 * slot up (it has no incident to lose); when there is none, the new id is not tracked, which is
 * logged at most once a minute and reported once through `onFirstRefusal`.
 *
 * @example
 * const table = new ProcessTable({ clock, log, maxProcesses: 2, onFirstRefusal: (id) => warn(id) });
 * table.add("a", "up"); table.add("b", "up");
 * table.add("c", "up"); // undefined: onFirstRefusal("c", 2)
 */
export class ProcessTable {
  readonly #records = new Map<string, ProcessRecord>();
  readonly #configured = new Set<string>();
  readonly #o: ProcessTableOptions;
  #refusals = 0;
  #lastLogAt = Number.NEGATIVE_INFINITY;
  #told = false;

  constructor(options: ProcessTableOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#records.size;
  }

  get(id: string): ProcessRecord | undefined {
    return this.#records.get(id);
  }

  values(): IterableIterator<ProcessRecord> {
    return this.#records.values();
  }

  /** A configured process (MISSIONCTL_PROCESSES): known from the start, never refused, never evicted. */
  addConfigured(id: string): ProcessRecord {
    this.#configured.add(id);
    const existing = this.#records.get(id);
    if (existing) return existing;
    const rec: ProcessRecord = { id, state: "unknown", presence: false, neverSeen: true };
    this.#records.set(id, rec);
    return rec;
  }

  /** Forgets one record (the caller cancels its timers first). */
  delete(id: string): boolean {
    return this.#records.delete(id);
  }

  /** A newly heard process, or undefined when the table is full. */
  add(id: string, state: LivenessState): ProcessRecord | undefined {
    if (this.#records.size >= this.#o.maxProcesses && !this.#configured.has(id) && !this.#evictStopped()) {
      this.#refuse(id);
      return undefined;
    }
    const rec: ProcessRecord = { id, state, presence: false };
    this.#records.set(id, rec);
    return rec;
  }

  /** Every known process, sorted by id (without mute information). */
  views(): ProcessView[] {
    return [...this.#records.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => ({
        id: r.id,
        state: r.state,
        connected: isConnected(r),
        ...(r.strategyState !== undefined ? { strategyState: r.strategyState } : {}),
        ...(r.lastHeartbeatAt !== undefined ? { lastHeartbeatAt: r.lastHeartbeatAt } : {}),
        ...(r.intervalMs !== undefined ? { heartbeatIntervalMs: r.intervalMs } : {}),
        ...(r.pid !== undefined ? { pid: r.pid } : {}),
        ...(r.neverSeen ? { neverConnected: true } : {}),
      }));
  }

  /** Forgets every record (the caller cancels their timers first) and the refusal bookkeeping. */
  clear(): void {
    this.#records.clear();
    this.#configured.clear();
    this.#refusals = 0;
    this.#lastLogAt = Number.NEGATIVE_INFINITY;
    this.#told = false;
  }

  #evictStopped(): boolean {
    let oldest: ProcessRecord | undefined;
    for (const r of this.#records.values()) {
      if (r.state !== "stopped" || this.#configured.has(r.id) || r.silenceTimer || r.settleTimer) continue;
      if (!oldest || (r.endedAt ?? 0) < (oldest.endedAt ?? 0)) oldest = r;
    }
    if (!oldest) return false;
    this.#records.delete(oldest.id);
    this.#o.log.info({ peer: oldest.id }, "process limit reached: forgot the oldest stopped process");
    return true;
  }

  #refuse(id: string): void {
    this.#refusals++;
    const now = this.#o.clock.now();
    // A flood refuses thousands of frames a second: one line per interval says how many.
    if (now - this.#lastLogAt >= LIMIT_LOG_INTERVAL_MS) {
      this.#o.log.warn(
        { peer: id, max: this.#o.maxProcesses, refused: this.#refusals },
        "process limit reached (MISSIONCTL_MAX_PROCESSES): new processes are not tracked",
      );
      this.#lastLogAt = now;
      this.#refusals = 0;
    }
    if (!this.#told) {
      this.#told = true;
      this.#o.onFirstRefusal(id, this.#o.maxProcesses);
    }
  }
}
