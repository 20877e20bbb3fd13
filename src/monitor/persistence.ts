/**
 * The monitor's side of the state database (docs/state.md): what it writes (processes in batches,
 * at most once a second each; incidents and mutes as they change, in one transaction with the
 * alerts they publish) and what it picks up at start (processes, open incidents, mutes).
 */
import type { TimerHandle } from "../clock.ts";
import { formatDuration } from "../duration.ts";
import type { StoredProcess } from "../state/processes.ts";
import type { PersistedIncident } from "./incidents.ts";
import type { LivenessSink } from "./liveness.ts";
import type { MonitorPersistenceOptions } from "./persistence-options.ts";
import { isConnected, type ProcessRecord } from "./records.ts";
import {
  markSaved,
  processRow,
  restoreRecord,
  toPersisted,
  toStoredIncident,
  unchangedSinceSaved,
  whileDownDetail,
} from "./state-rows.ts";
import { infoTexts } from "./texts.ts";
import type { LivenessState, Mute } from "./types.ts";

export type { MonitorPersistenceOptions, MonitorState } from "./persistence-options.ts";

const LIVE: readonly LivenessState[] = ["unknown", "up", "silent"];
const FORGET_CHECK_MS = 3_600_000;

/**
 * Keeps the monitor's state in the database, and brings it back at start.
 *
 * @example
 * const p = new MonitorPersistence({ state, clock, log, table: tracker.table, book, mutes, inner: book, configured });
 * p.restore(); // before the tracker hears anything
 * p.seen("mm1"); // presence or link: marks it for the next batch, no write
 * p.beat(rec, now); // on every heartbeat: the same, without even a lookup
 */
export class MonitorPersistence {
  readonly #o: MonitorPersistenceOptions;
  /** Ids whose record changed (rare: presence, incidents); their records join the queue at the flush. */
  readonly #dirty = new Set<string>();
  /** Records for the next batch, each once (`queued`): heartbeats put theirs here without a lookup. */
  #queue: ProcessRecord[] = [];
  /** Batches so far (a record's `beatBatch` equal to it: a heartbeat since the last one). */
  #batches = 0;
  readonly #firstSeen = new Map<string, number>();
  readonly #lastSeen = new Map<string, number>();
  #flushTimer?: TimerHandle;
  #graceTimer?: TimerHandle;
  #forgetTimer?: TimerHandle;
  /** The tracker's sink: each report runs in one transaction with the alert it publishes. */
  readonly sink: LivenessSink;

  constructor(options: MonitorPersistenceOptions) {
    this.#o = options;
    const { inner } = options;
    this.sink = {
      incident: (id, kind, detail) => this.atomic(() => inner.incident(id, kind, detail), id),
      recovered: (id, how) => this.atomic(() => inner.recovered(id, how), id),
      info: (id, text) => this.atomic(() => inner.info(id, text), id),
    };
  }

  /** Runs `fn` in one transaction (an alert and the incident it changes land together). */
  atomic(fn: () => void, id?: string): void {
    try {
      this.#o.state.atomic(fn);
    } catch (err) {
      // The chat still hears it (the queues are in memory); only its durability was lost.
      this.#o.log.error({ err, peer: id }, "could not write the monitor's state");
    }
    if (id !== undefined) this.dirty(id);
  }

  /** A sign of life from `id` (presence, link): written with the next batch. */
  seen(id: string): void {
    this.#lastSeen.set(id, this.#o.clock.now());
    this.dirty(id);
  }

  /**
   * A heartbeat of the process of `rec`: the hot path, so nothing but a mark on its record; its time
   * is the record's own `lastHeartbeatAt`, read when the batch is written. A record whose row is
   * fresh and says the same is not even queued: the next batch (within `flushMs`) would skip it,
   * and 20,000 processes would cost 20,000 records visited a second for nothing.
   */
  beat(rec: ProcessRecord, now = this.#o.clock.now()): void {
    rec.beatBatch = this.#batches;
    if (!rec.queued && this.#mayBeDue(rec, now)) {
      rec.queued = true;
      this.#queue.push(rec);
    }
    this.#flushTimer ??= this.#o.clock.setTimeout(() => this.flush(), this.#o.flushMs ?? 1000);
  }

  /**
   * Whether the next batch may write `rec`: never written, changed since, or its refresh due by
   * then. The batch runs at most `flushMs` after this heartbeat (its timer was set by this mark or
   * an earlier one), so a refresh not due `flushMs` from now is not due at the batch either.
   */
  #mayBeDue(rec: ProcessRecord, now: number): boolean {
    if (rec.savedAt === undefined || !unchangedSinceSaved(rec)) return true;
    const refreshMs = this.#o.refreshMs ?? 15_000;
    return now - rec.savedAt >= refreshMs - (this.#o.flushMs ?? 1000);
  }

  /** The record of `id` changed: written with the next batch (within `flushMs`). */
  dirty(id: string): void {
    this.#dirty.add(id);
    this.#flushTimer ??= this.#o.clock.setTimeout(() => this.flush(), this.#o.flushMs ?? 1000);
  }

  /** Writes every changed process in one transaction (`all`: heartbeat times too, as at a stop). */
  flush(all = false): void {
    if (this.#flushTimer) this.#o.clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const { table } = this.#o;
    // A stop writes everything heard since the last batch, heartbeat times too.
    if (all) {
      for (const rec of table.values()) {
        if (rec.beatBatch === this.#batches && !rec.queued) {
          rec.queued = true;
          this.#queue.push(rec);
        }
      }
    }
    this.#batches++;
    for (const id of this.#dirty) {
      const rec = table.get(id);
      if (rec && !rec.queued) {
        rec.queued = true;
        this.#queue.push(rec);
      }
    }
    this.#dirty.clear();
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = [];
    const now = this.#o.clock.now();
    const refreshMs = this.#o.refreshMs ?? 15_000;
    const rows: StoredProcess[] = [];
    let written = 0;
    for (const rec of queue) {
      rec.queued = false;
      // Forgotten or evicted since it was queued: its id may have a new record, or none.
      if (rec.neverSeen || rec.removed) continue;
      // Nothing new but the time of a heartbeat: that can wait for the refresh.
      if (!all && rec.savedAt !== undefined && now - rec.savedAt < refreshMs && unchangedSinceSaved(rec))
        continue;
      rows.push(this.#row(rec));
      markSaved(rec, now);
      written++;
    }
    // A count, not rows.length: an empty array has another hidden class, and flush would deoptimize.
    if (written === 0) return;
    try {
      this.#o.state.monitor.saveProcesses(rows);
    } catch (err) {
      this.#o.log.error({ err, processes: rows.length }, "could not write the processes' state");
    }
  }

  incidentChanged(id: string, incident: PersistedIncident | undefined): void {
    if (incident) this.#o.state.monitor.saveIncident(toStoredIncident(id, incident));
    else this.#o.state.monitor.deleteIncident(id);
  }

  muted(mute: Mute): void {
    this.#o.state.monitor.saveMute({ ...mute, createdAt: this.#o.clock.now() });
  }

  unmuted(target: string): void {
    this.#o.state.monitor.deleteMute(target);
  }

  /**
   * Brings back the last run: mutes still in force, every process remembered (not re-announced),
   * open incidents (their repeats go on). A process that was up and shows no sign of life within
   * the restore grace is alerted once as disconnected while the bot was down.
   */
  restore(): void {
    const { state, clock, log, table, book, mutes } = this.#o;
    const store = state.monitor;
    const now = clock.now();
    for (const m of store.mutes()) {
      if (m.until > now)
        mutes.restore({ target: m.target, until: m.until, ...(m.by !== undefined ? { by: m.by } : {}) });
      else store.deleteMute(m.target);
    }
    const incidents = new Map(store.incidents().map((i) => [i.processId, i]));
    const kept: PersistedIncident[] = [];
    let waiting = 0;
    for (const p of store.processes()) {
      if (this.#forgettable(p.id, p.lastSeenAt, now)) {
        this.#forget(p.id, p.lastSeenAt);
        continue;
      }
      const rec = table.add(p.id, "unknown");
      if (!rec) continue;
      this.#firstSeen.set(p.id, p.firstSeenAt);
      this.#lastSeen.set(p.id, p.lastSeenAt);
      const incident = incidents.get(p.id);
      if (restoreRecord(rec, p, incident) === "awaited") waiting++;
      if (incident) kept.push(toPersisted(incident));
    }
    for (const i of incidents.values()) if (!table.get(i.processId)) store.deleteIncident(i.processId);
    book.restore(kept);
    log.info({ processes: table.size, incidents: kept.length, mutes: mutes.list().length }, "state restored");
    if (waiting > 0)
      this.#graceTimer = clock.setTimeout(() => this.#graceOver(), this.#o.restoreGraceMs ?? 5000);
    this.#forgetTimer = clock.setTimeout(() => this.#forgetGone(), FORGET_CHECK_MS);
  }

  /** Writes what is pending and stops the timers (the rows stay for the next run). */
  stop(): void {
    this.flush(true);
    for (const t of [this.#graceTimer, this.#forgetTimer]) if (t) this.#o.clock.clearTimeout(t);
    this.#graceTimer = undefined;
    this.#forgetTimer = undefined;
  }

  #graceOver(): void {
    this.#graceTimer = undefined;
    for (const rec of this.#o.table.values()) {
      if (!rec.restored || !LIVE.includes(rec.state)) continue;
      rec.restored = undefined;
      if (this.#o.exitExpected?.(rec.id)) {
        // An /exit of the last run that went through while the bot was down: as planned.
        Object.assign(rec, { state: "stopped", endedPid: rec.pid, endedAt: this.#o.clock.now() });
        this.sink.info(rec.id, infoTexts(this.#o.lang ?? "en").exitedAsRequested(rec.id));
        continue;
      }
      rec.state = "down";
      rec.downKind = "disconnected";
      this.sink.incident(rec.id, "disconnected", whileDownDetail(rec.lastHeartbeatAt, this.#o.lang));
    }
  }

  #forgettable(id: string, lastSeenAt: number, now: number): boolean {
    return !this.#o.configured.has(id) && now - lastSeenAt > (this.#o.forgetAfterMs ?? 604_800_000);
  }

  #forgetGone(): void {
    const now = this.#o.clock.now();
    for (const rec of [...this.#o.table.values()]) {
      const last = this.#lastSeen.get(rec.id);
      if (last === undefined || isConnected(rec) || LIVE.includes(rec.state) || rec.settleTimer) continue;
      if (!this.#forgettable(rec.id, last, now)) continue;
      this.#o.table.delete(rec.id);
      this.#o.book.forget(rec.id);
      this.#forget(rec.id, last);
    }
    this.#forgetTimer = this.#o.clock.setTimeout(() => this.#forgetGone(), FORGET_CHECK_MS);
  }

  #forget(id: string, lastSeenAt: number): void {
    this.#firstSeen.delete(id);
    this.#lastSeen.delete(id);
    this.#dirty.delete(id);
    try {
      this.#o.state.monitor.forgetProcess(id);
    } catch (err) {
      this.#o.log.error({ err, peer: id }, "could not forget a process in the state");
    }
    const gone = formatDuration(this.#o.clock.now() - lastSeenAt);
    this.#o.log.info(
      { peer: id, lastSeenAt },
      `forgot process ${id}: not seen for ${gone} and not configured`,
    );
  }

  #row(rec: ProcessRecord): StoredProcess {
    const now = this.#o.clock.now();
    const lastSeenAt = Math.max(this.#lastSeen.get(rec.id) ?? 0, rec.lastHeartbeatAt ?? 0) || now;
    this.#lastSeen.set(rec.id, lastSeenAt);
    const firstSeenAt = this.#firstSeen.get(rec.id) ?? lastSeenAt;
    this.#firstSeen.set(rec.id, firstSeenAt);
    return processRow(rec, firstSeenAt, lastSeenAt, this.#o.addressOf?.(rec.id));
  }
}
