/**
 * What the IncidentBook (incidents.ts) keeps about one process: its open incident, its recent
 * openings, its flapping fold, its timers; and how that open incident is shown to /status and
 * stored in the state database.
 */
import type { TimerHandle } from "../clock.ts";
import type { Incident, IncidentKind } from "./types.ts";

/** An open incident as the state keeps it: enough to go on after a restart, repeats included. */
export interface PersistedIncident extends Incident {
  text: string;
  lastAlertAt?: number;
}

/** A run of incidents folded into one alert, until the process has been stable for a flap window. */
export interface Flap {
  since: number;
  count: number;
  lastKind: IncidentKind;
  /** Fires after flapWindowMs without a transition: the process is stable again. */
  stableTimer: TimerHandle;
  /** The summary reached the bus (it is held back while muted). */
  announced: boolean;
}

/**
 * One process in the IncidentBook.
 *
 * @example
 * const entry: BookEntry = { id: "mm1", openings: [] };
 */
export interface BookEntry {
  id: string;
  /** The open incident, which is also its persisted form (kept in memory as it is stored). */
  incident?: PersistedIncident;
  /** Epoch ms of recent incident openings (healthy → unhealthy), within the flap window. */
  openings: number[];
  flap?: Flap;
  repeatTimer?: TimerHandle;
}

/**
 * Records an incident opening at `now`, forgetting those that fell out of the flap window; the
 * number left is what the flapping threshold is compared with.
 *
 * @example
 * noteOpening(entry, clock.now(), 60_000);
 * const flapping = entry.openings.length >= FLAP_THRESHOLD; // openings of the last minute, this one included
 */
export function noteOpening(entry: BookEntry, now: number, flapWindowMs: number): void {
  entry.openings = entry.openings.filter((t) => now - t < flapWindowMs);
  entry.openings.push(now);
}

/**
 * The kind to report for `entry`: its open incident's, else the last one folded while flapping.
 *
 * @example
 * bus.emit("alert", { processId: entry.id, kind: currentKind(entry), text, repeat: false });
 */
export function currentKind(entry: BookEntry): IncidentKind {
  return entry.incident?.kind ?? entry.flap?.lastKind ?? "disconnected";
}

/**
 * The open incident of `entry` as /status lists it (without the alert bookkeeping), or undefined
 * when it has none.
 *
 * @example
 * const shown = listedIncident(entry, mutes.isMuted(entry.id)); // { id, kind, since, …, muted }
 */
export function listedIncident(entry: BookEntry, muted: boolean): Incident | undefined {
  if (!entry.incident) return undefined;
  const { text: _text, lastAlertAt: _last, ...incident } = entry.incident;
  return { ...incident, ...(entry.flap ? { flapping: true } : {}), muted };
}

/**
 * The open incident of `entry` as the state database stores it; undefined once it ended.
 *
 * @example
 * options.onChange?.(entry.id, persistedIncident(entry));
 */
export function persistedIncident(entry: BookEntry): PersistedIncident | undefined {
  return entry.incident ? { ...entry.incident, ...(entry.flap ? { flapping: true } : {}) } : undefined;
}
