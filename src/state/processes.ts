/** Every process the monitor has seen, and its open incidents and the mutes: the monitor's rows. */
import type { Database, Statement } from "better-sqlite3";

/** A process as last written (the monitor writes in batches, at most once a second per process). */
export interface StoredProcess {
  id: string;
  firstSeenAt: number;
  /** When the monitor last had a sign of it (heartbeat, presence, link) or wrote its state. */
  lastSeenAt: number;
  lastHeartbeatAt?: number;
  state: string;
  strategyState?: string;
  pid?: number;
  intervalMs?: number;
  downKind?: string;
  /** How it is reached when not over ipc discovery: a peer spec such as `mm1=tcp://127.0.0.1:7001`. */
  address?: string;
}

/** An open incident, with what its repeat timer needs to go on after a restart. */
export interface StoredIncident {
  processId: string;
  kind: string;
  since: number;
  detail?: string;
  text: string;
  alerts: number;
  lastAlertAt?: number;
}

/** A mute in force. */
export interface StoredMute {
  target: string;
  until: number;
  by?: string;
  createdAt: number;
}

const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: V };

interface ProcessRow {
  id: string;
  first_seen_at: number;
  last_seen_at: number;
  last_heartbeat_at: number | null;
  state: string;
  strategy_state: string | null;
  pid: number | null;
  interval_ms: number | null;
  down_kind: string | null;
  address: string | null;
}

interface IncidentRow {
  process_id: string;
  kind: string;
  since: number;
  detail: string | null;
  text: string;
  alerts: number;
  last_alert_at: number | null;
}

interface MuteRow {
  target: string;
  until: number;
  by: string | null;
  created_at: number;
}

/**
 * Statements over `processes`, `incidents` and `mutes`, prepared once.
 *
 * @example
 * store.saveProcesses([{ id: "mm1", firstSeenAt: now, lastSeenAt: now, state: "up" }]);
 * store.processes(); // [{ id: "mm1", ... }]
 */
export class MonitorStore {
  readonly #upsert: Statement;
  readonly #allProcesses: Statement;
  readonly #deleteProcess: Statement;
  readonly #saveIncident: Statement;
  readonly #deleteIncident: Statement;
  readonly #allIncidents: Statement;
  readonly #saveMute: Statement;
  readonly #deleteMute: Statement;
  readonly #allMutes: Statement;

  constructor(private readonly db: Database) {
    this.#upsert = db.prepare(
      `INSERT INTO processes (id, first_seen_at, last_seen_at, last_heartbeat_at, state, strategy_state,
         pid, interval_ms, down_kind, address)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at,
         last_heartbeat_at = excluded.last_heartbeat_at, state = excluded.state,
         strategy_state = excluded.strategy_state, pid = excluded.pid, interval_ms = excluded.interval_ms,
         down_kind = excluded.down_kind, address = coalesce(excluded.address, processes.address)`,
    );
    this.#allProcesses = db.prepare("SELECT * FROM processes ORDER BY id");
    this.#deleteProcess = db.prepare("DELETE FROM processes WHERE id = ?");
    this.#saveIncident = db.prepare(
      `INSERT OR REPLACE INTO incidents (process_id, kind, since, detail, text, alerts, last_alert_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#deleteIncident = db.prepare("DELETE FROM incidents WHERE process_id = ?");
    this.#allIncidents = db.prepare("SELECT * FROM incidents ORDER BY since, process_id");
    this.#saveMute = db.prepare(
      "INSERT OR REPLACE INTO mutes (target, until, by, created_at) VALUES (?, ?, ?, ?)",
    );
    this.#deleteMute = db.prepare("DELETE FROM mutes WHERE target = ?");
    this.#allMutes = db.prepare("SELECT * FROM mutes ORDER BY until, target");
  }

  /** Writes a batch of processes in one transaction (the first sighting is kept). */
  saveProcesses(rows: readonly StoredProcess[]): void {
    this.db.transaction(() => {
      for (const p of rows) {
        this.#upsert.run(
          p.id,
          p.firstSeenAt,
          p.lastSeenAt,
          p.lastHeartbeatAt ?? null,
          p.state,
          p.strategyState ?? null,
          p.pid ?? null,
          p.intervalMs ?? null,
          p.downKind ?? null,
          p.address ?? null,
        );
      }
    })();
  }

  processes(): StoredProcess[] {
    return (this.#allProcesses.all() as ProcessRow[]).map((r) => ({
      id: r.id,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      ...opt("lastHeartbeatAt", r.last_heartbeat_at),
      state: r.state,
      ...opt("strategyState", r.strategy_state),
      ...opt("pid", r.pid),
      ...opt("intervalMs", r.interval_ms),
      ...opt("downKind", r.down_kind),
      ...opt("address", r.address),
    }));
  }

  /** Forgets a process and its open incident. */
  forgetProcess(id: string): void {
    this.db.transaction(() => {
      this.#deleteProcess.run(id);
      this.#deleteIncident.run(id);
    })();
  }

  saveIncident(i: StoredIncident): void {
    this.#saveIncident.run(
      i.processId,
      i.kind,
      i.since,
      i.detail ?? null,
      i.text,
      i.alerts,
      i.lastAlertAt ?? null,
    );
  }

  deleteIncident(processId: string): void {
    this.#deleteIncident.run(processId);
  }

  incidents(): StoredIncident[] {
    return (this.#allIncidents.all() as IncidentRow[]).map((r) => ({
      processId: r.process_id,
      kind: r.kind,
      since: r.since,
      ...opt("detail", r.detail),
      text: r.text,
      alerts: r.alerts,
      ...opt("lastAlertAt", r.last_alert_at),
    }));
  }

  saveMute(m: StoredMute): void {
    this.#saveMute.run(m.target, m.until, m.by ?? null, m.createdAt);
  }

  deleteMute(target: string): void {
    this.#deleteMute.run(target);
  }

  mutes(): StoredMute[] {
    return (this.#allMutes.all() as MuteRow[]).map((r) => ({
      target: r.target,
      until: r.until,
      ...opt("by", r.by),
      createdAt: r.created_at,
    }));
  }
}
