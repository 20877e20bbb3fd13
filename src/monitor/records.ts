import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { Deadline } from "./deadlines.ts";
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
  /** Its silence clock, made at the first arming and re-armed by every heartbeat (armed: `list` set). */
  silence?: Deadline;
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
  /*
   * The state database's bookkeeping (src/monitor/persistence.ts), kept on the record so that a
   * heartbeat decides on the record it already holds, without a lookup or another object.
   */
  /** In the next batch. */
  queued?: boolean;
  /** The batch count at its last heartbeat: beaten since the last batch, a stop writes it. */
  beatBatch?: number;
  /** When its row was last written, and what that row said of its state. */
  savedAt?: number;
  savedState?: LivenessState;
  savedStrategyState?: string;
  savedPid?: number;
  savedIntervalMs?: number;
  savedDownKind?: IncidentKind;
  /** Dropped from the table (forgotten, evicted, cleared): a batch that still holds it skips it. */
  removed?: boolean;
}

/**
 * A record with its fields present from the start, in one order: all records share one hidden
 * class, so the code a heartbeat runs through stays monomorphic (20,000 processes, one shape).
 * The two epoch-ms times are left out on purpose: added when first set, they are stored as doubles
 * in place; declared `undefined` first, every heartbeat would allocate a number that outlives a
 * young-generation collection.
 */
function newRecord(id: string, state: LivenessState, neverSeen: boolean | undefined): ProcessRecord {
  return {
    id,
    state,
    strategyState: undefined,
    pid: undefined,
    presence: false,
    link: undefined,
    intervalMs: undefined,
    silence: undefined,
    settleTimer: undefined,
    downKind: undefined,
    endedPid: undefined,
    neverSeen,
    restored: undefined,
    removed: false,
    queued: false,
    beatBatch: -1,
    savedAt: undefined,
    savedState: undefined,
    savedStrategyState: undefined,
    savedPid: undefined,
    savedIntervalMs: undefined,
    savedDownKind: undefined,
  };
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
  /** Every record, in the order they came (iteration order: the order of alerts at a start grace). */
  readonly #records = new Map<string, ProcessRecord>();
  /**
   * The same records by id, for {@link get} (every heartbeat): a prototype-less dictionary object
   * finds an id in one probe of its table where a Map goes through a bucket and then an entry, and
   * with 20,000 processes each of those is a cache miss.
   */
  #byId: Record<string, ProcessRecord | undefined> = Object.create(null);
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
    return this.#byId[id];
  }

  values(): IterableIterator<ProcessRecord> {
    return this.#records.values();
  }

  /** A configured process (MISSIONCTL_PROCESSES): known from the start, never refused, never evicted. */
  addConfigured(id: string): ProcessRecord {
    this.#configured.add(id);
    const existing = this.#records.get(id);
    if (existing) return existing;
    const rec = newRecord(id, "unknown", true);
    this.#records.set(id, rec);
    this.#byId[id] = rec;
    return rec;
  }

  /** Forgets one record (the caller cancels its timers first). */
  delete(id: string): boolean {
    const rec = this.#records.get(id);
    if (rec) rec.removed = true;
    delete this.#byId[id];
    return this.#records.delete(id);
  }

  /** A newly heard process, or undefined when the table is full. */
  add(id: string, state: LivenessState): ProcessRecord | undefined {
    if (this.#records.size >= this.#o.maxProcesses && !this.#configured.has(id) && !this.#evictStopped()) {
      this.#refuse(id);
      return undefined;
    }
    const rec = newRecord(id, state, undefined);
    this.#records.set(id, rec);
    this.#byId[id] = rec;
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
    for (const rec of this.#records.values()) rec.removed = true;
    this.#records.clear();
    this.#byId = Object.create(null);
    this.#configured.clear();
    this.#refusals = 0;
    this.#lastLogAt = Number.NEGATIVE_INFINITY;
    this.#told = false;
  }

  #evictStopped(): boolean {
    let oldest: ProcessRecord | undefined;
    for (const r of this.#records.values()) {
      if (r.state !== "stopped" || this.#configured.has(r.id) || r.silence?.list || r.settleTimer) continue;
      if (!oldest || (r.endedAt ?? 0) < (oldest.endedAt ?? 0)) oldest = r;
    }
    if (!oldest) return false;
    oldest.removed = true;
    delete this.#byId[oldest.id];
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
