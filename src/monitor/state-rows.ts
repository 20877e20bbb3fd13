/**
 * The monitor's records as rows of the state database and back (src/state/processes.ts), and the
 * wording of the one alert for a process that died while the bot was down.
 */
import type { Lang } from "../i18n/index.ts";
import type { StoredIncident, StoredProcess } from "../state/processes.ts";
import type { PersistedIncident } from "./incidents.ts";
import type { ProcessRecord } from "./records.ts";
import { monitorTexts } from "./texts.ts";
import type { IncidentKind } from "./types.ts";

/**
 * The detail of the one alert for a process that died while the bot was down, in `lang`.
 *
 * @example
 * whileDownDetail(Date.UTC(2026, 0, 1, 3, 12)); // "while the bot was down, last heartbeat at 03:12 UTC"
 */
export function whileDownDetail(lastHeartbeatAt: number | undefined, lang: Lang = "en"): string {
  return monitorTexts(lang).detail.whileDown({ lastHeartbeatAt });
}

/**
 * A process record as its row.
 *
 * @example
 * processRow(rec, firstSeenAt, now, "mm1=tcp://127.0.0.1:7001");
 */
export function processRow(
  rec: ProcessRecord,
  firstSeenAt: number,
  lastSeenAt: number,
  address: string | undefined,
): StoredProcess {
  // Plain assignments, no spreads: thousands of these are built every refresh.
  const row: StoredProcess = { id: rec.id, firstSeenAt, lastSeenAt, state: rec.state };
  if (rec.lastHeartbeatAt !== undefined) row.lastHeartbeatAt = rec.lastHeartbeatAt;
  if (rec.strategyState !== undefined) row.strategyState = rec.strategyState;
  if (rec.pid !== undefined) row.pid = rec.pid;
  if (rec.intervalMs !== undefined) row.intervalMs = rec.intervalMs;
  if (rec.downKind !== undefined) row.downKind = rec.downKind;
  if (address !== undefined) row.address = address;
  return row;
}

/**
 * Whether the record's last written row still says what the record says, heartbeat times aside.
 *
 * @example
 * if (unchangedSinceSaved(rec)) skip(); // only a later heartbeat: no write needed yet
 */
export function unchangedSinceSaved(rec: ProcessRecord): boolean {
  return (
    rec.savedState === rec.state &&
    rec.savedStrategyState === rec.strategyState &&
    rec.savedPid === rec.pid &&
    rec.savedIntervalMs === rec.intervalMs &&
    rec.savedDownKind === rec.downKind
  );
}

/** Notes on the record that its row, as it is now, was written at `at`. */
export function markSaved(rec: ProcessRecord, at: number): void {
  rec.savedAt = at;
  rec.savedState = rec.state;
  rec.savedStrategyState = rec.strategyState;
  rec.savedPid = rec.pid;
  rec.savedIntervalMs = rec.intervalMs;
  rec.savedDownKind = rec.downKind;
}

/**
 * An open incident as its row.
 *
 * @example
 * toStoredIncident("mm1", { id: "mm1", kind: "crashed", since, alerts: 1, text: "🔴 mm1 crashed: boom" });
 */
export function toStoredIncident(id: string, incident: PersistedIncident): StoredIncident {
  const { text, kind, since, detail, alerts, lastAlertAt } = incident;
  return {
    processId: id,
    kind,
    since,
    text,
    alerts,
    ...(detail !== undefined ? { detail } : {}),
    ...(lastAlertAt !== undefined ? { lastAlertAt } : {}),
  };
}

/**
 * A row of an open incident as the incident book takes it back.
 *
 * @example
 * book.restore(store.incidents().map(toPersisted));
 */
export function toPersisted(i: StoredIncident): PersistedIncident {
  return {
    id: i.processId,
    kind: i.kind as IncidentKind,
    since: i.since,
    text: i.text,
    alerts: i.alerts,
    ...(i.detail !== undefined ? { detail: i.detail } : {}),
    ...(i.lastAlertAt !== undefined ? { lastAlertAt: i.lastAlertAt } : {}),
  };
}

/**
 * Puts a process row of the last run (and its open incident) back on its fresh record: its last
 * heartbeat, interval, state and pid, and where it was. Returns `"awaited"` for a process that was
 * alive: it must show a sign of life within the restore grace, or it died while the bot was down.
 *
 * @example
 * if (restoreRecord(table.add(p.id, "unknown"), p, incidents.get(p.id)) === "awaited") waiting++;
 */
export function restoreRecord(
  rec: ProcessRecord,
  p: StoredProcess,
  incident: StoredIncident | undefined,
): "awaited" | undefined {
  Object.assign(rec, {
    ...(p.lastHeartbeatAt !== undefined ? { lastHeartbeatAt: p.lastHeartbeatAt } : {}),
    ...(p.intervalMs !== undefined ? { intervalMs: p.intervalMs } : {}),
    ...(p.strategyState !== undefined ? { strategyState: p.strategyState } : {}),
    ...(p.pid !== undefined ? { pid: p.pid } : {}),
  });
  const deadKind = incident && incident.kind !== "silent" ? incident.kind : p.downKind;
  if (p.state === "stopped" && !incident) {
    Object.assign(rec, { state: "stopped", endedPid: p.pid, endedAt: p.lastSeenAt });
  } else if (p.state === "down" || deadKind !== undefined) {
    Object.assign(rec, { state: "down", downKind: (deadKind ?? "disconnected") as IncidentKind });
  } else {
    rec.state = incident?.kind === "silent" || p.state === "silent" ? "silent" : "unknown";
    rec.restored = true;
    return "awaited";
  }
  return undefined;
}
