/**
 * The monitor's side of the state database (docs/state.md): what it writes (processes in batches,
 * at most once a second each; incidents and mutes as they change, in one transaction with the
 * alerts they publish) and what it picks up at start (processes, open incidents, mutes).
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { formatDuration } from "../duration.ts";
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { MonitorStore, StoredProcess } from "../state/processes.ts";
import type { IncidentBook, PersistedIncident } from "./incidents.ts";
import type { LivenessSink } from "./liveness.ts";
import type { MuteTable } from "./mutes.ts";
import { isConnected, type ProcessRecord, type ProcessTable } from "./records.ts";
import { processRow, sameState, toPersisted, toStoredIncident, whileDownDetail } from "./state-rows.ts";
import { infoTexts } from "./texts.ts";
import type { IncidentKind, LivenessState, Mute } from "./types.ts";

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

const LIVE: readonly LivenessState[] = ["unknown", "up", "silent"];
const FORGET_CHECK_MS = 3_600_000;

/**
 * Keeps the monitor's state in the database, and brings it back at start.
 *
 * @example
 * const p = new MonitorPersistence({ state, clock, log, table: tracker.table, book, mutes, inner: book, configured });
 * p.restore(); // before the tracker hears anything
 * p.seen("mm1"); // on every heartbeat: marks it for the next batch, no write
 */
export class MonitorPersistence {
  readonly #o: MonitorPersistenceOptions;
  readonly #dirty = new Set<string>();
  readonly #firstSeen = new Map<string, number>();
  readonly #lastSeen = new Map<string, number>();
  /** What was last written of each process (its state fields) and when. */
  readonly #written = new Map<string, StoredProcess & { at: number }>();
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
   * A heartbeat of `id`: the hot path, so nothing but a mark; its time is the record's own
   * `lastHeartbeatAt`, read when the batch is written.
   */
  beat(id: string): void {
    this.#dirty.add(id);
    this.#flushTimer ??= this.#o.clock.setTimeout(() => this.flush(), this.#o.flushMs ?? 1000);
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
    if (this.#dirty.size === 0) return;
    const now = this.#o.clock.now();
    const refreshMs = this.#o.refreshMs ?? 15_000;
    const rows: StoredProcess[] = [];
    for (const id of this.#dirty) {
      const rec = this.#o.table.get(id);
      if (!rec || rec.neverSeen) continue;
      const last = this.#written.get(id);
      // Nothing new but the time of a heartbeat: that can wait for the refresh.
      if (!all && last && now - last.at < refreshMs && sameState(last, rec)) continue;
      const row = this.#row(rec);
      this.#written.set(id, Object.assign(row, { at: now }));
      rows.push(row);
    }
    this.#dirty.clear();
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
      Object.assign(rec, {
        ...(p.lastHeartbeatAt !== undefined ? { lastHeartbeatAt: p.lastHeartbeatAt } : {}),
        ...(p.intervalMs !== undefined ? { intervalMs: p.intervalMs } : {}),
        ...(p.strategyState !== undefined ? { strategyState: p.strategyState } : {}),
        ...(p.pid !== undefined ? { pid: p.pid } : {}),
      });
      const incident = incidents.get(p.id);
      const deadKind = incident && incident.kind !== "silent" ? incident.kind : p.downKind;
      if (p.state === "stopped" && !incident) {
        Object.assign(rec, { state: "stopped", endedPid: p.pid, endedAt: p.lastSeenAt });
      } else if (p.state === "down" || deadKind !== undefined) {
        Object.assign(rec, { state: "down", downKind: (deadKind ?? "disconnected") as IncidentKind });
      } else {
        rec.state = incident?.kind === "silent" || p.state === "silent" ? "silent" : "unknown";
        rec.restored = true;
        waiting++;
      }
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
    this.#written.delete(id);
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
