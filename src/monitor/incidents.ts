import type { Clock } from "../clock.ts";
import type { LifecycleBus } from "../events.ts";
import type { Lang } from "../i18n/index.ts";
import { targetMatches } from "../ipc/ids.ts";
import type { Logger } from "../log.ts";
import {
  type BookEntry,
  currentKind,
  listedIncident,
  noteOpening,
  type PersistedIncident,
  persistedIncident,
} from "./incident-entry.ts";
import { IncidentTimers } from "./incident-timers.ts";
import type { LivenessSink } from "./liveness.ts";
import type { MuteTable } from "./mutes.ts";
import {
  alertText,
  flappingText,
  infoTexts,
  monitorTexts,
  repeatText,
  resolvedText,
  stillFlappingText,
} from "./texts.ts";
import type { Incident, IncidentKind, Mute } from "./types.ts";

export type { PersistedIncident } from "./incident-entry.ts";

/** Incident openings within the flap window that make a process "flapping". */
export const FLAP_THRESHOLD = 3;

/** What an {@link IncidentBook} publishes to, and its alert schedule. */
export interface IncidentBookOptions {
  bus: LifecycleBus;
  clock: Clock;
  log: Logger;
  mutes: MuteTable;
  alertRepeatMs: number;
  flapWindowMs: number;
  flapThreshold?: number;
  /** Told of every change of an open incident (undefined: it ended), for the state database. */
  onChange?: (id: string, incident: PersistedIncident | undefined) => void;
  /** Runs its timers' work in one transaction with what they publish (the alert outbox). */
  atomic?: (fn: () => void) => void;
  /** The language of what it publishes: the alert chats' (MISSIONCTL_LANG; default English). */
  lang?: Lang;
}

/**
 * The alert policy on top of the liveness state machine: one alert per incident, a repeat every
 * `alertRepeatMs` while unresolved and unmuted, mutes, and flapping folded into one message.
 *
 * Flapping rule: when the FLAP_THRESHOLD-th (3rd) incident opens within `flapWindowMs` of the first,
 * one summary alert goes out instead ("🟠 mm1 disconnected (flapping: 3 incidents within 1 min; …)",
 * with the current state word); further openings and recoveries are folded (tracked, not sent) until
 * the process has had no transition for `flapWindowMs`. Then: a `resolved` notice if it is healthy,
 * or the alert of its current incident if it settled unhealthy. While flapping, the repeat timer
 * sends "still flapping" every `alertRepeatMs`.
 *
 * @example
 * const book = new IncidentBook({ bus, clock, log, mutes, alertRepeatMs: 1_800_000, flapWindowMs: 60_000 });
 * book.incident("mm1", "crashed", "Error: boom"); // bus "alert": "🔴 mm1 crashed: Error: boom"
 * book.recovered("mm1", "connected again");         // bus "alert.resolved"
 */
export class IncidentBook implements LivenessSink {
  readonly #entries = new Map<string, BookEntry>();
  readonly #o: IncidentBookOptions;
  readonly #threshold: number;
  readonly #timers: IncidentTimers;

  constructor(options: IncidentBookOptions) {
    this.#o = options;
    this.#threshold = options.flapThreshold ?? FLAP_THRESHOLD;
    this.#timers = new IncidentTimers({
      clock: options.clock,
      alertRepeatMs: options.alertRepeatMs,
      flapWindowMs: options.flapWindowMs,
      atomic: options.atomic,
      onRepeat: (e) => this.#repeat(e),
      onStable: (e) => this.#stable(e),
    });
  }

  incident(id: string, kind: IncidentKind, detail: string): void {
    const now = this.#o.clock.now();
    const e = this.#entry(id);
    const replacing = e.incident !== undefined;
    if (e.incident?.kind === kind) return; // one alert per incident
    const incident: PersistedIncident = {
      id,
      kind,
      since: now,
      detail,
      alerts: 0,
      text: alertText(id, kind, detail, this.#o.lang),
    };
    e.incident = incident;
    this.#o.log.warn({ peer: id, kind, detail, replacing }, "incident");
    if (!replacing) noteOpening(e, now, this.#o.flapWindowMs);
    if (e.flap) {
      e.flap.count += replacing ? 0 : 1;
      e.flap.lastKind = kind;
      this.#timers.restartStable(e);
      this.#changed(e);
      return;
    }
    if (!replacing && e.openings.length >= this.#threshold) {
      e.flap = {
        since: e.openings[0] ?? now,
        count: e.openings.length,
        lastKind: kind,
        stableTimer: this.#timers.stableTimer(e),
        announced: false,
      };
      this.#o.log.warn({ peer: id, count: e.flap.count }, "flapping: folding further transitions");
      e.flap.announced = this.#alert(
        e,
        flappingText(id, kind, e.flap.count, this.#o.flapWindowMs, this.#o.lang),
        false,
      );
      this.#timers.armRepeat(e);
      this.#changed(e);
      return;
    }
    this.#alert(e, incident.text, false);
    this.#timers.armRepeat(e);
    this.#changed(e);
  }

  recovered(id: string, how: string): void {
    const e = this.#entries.get(id);
    const incident = e?.incident;
    if (!e || !incident) return;
    e.incident = undefined;
    this.#changed(e);
    this.#o.log.info({ peer: id, kind: incident.kind, how, alerts: incident.alerts }, "incident resolved");
    if (e.flap) {
      this.#timers.restartStable(e);
      return;
    }
    this.#timers.clearRepeat(e);
    // An incident nobody was told about (muted all along) ends quietly; an announced one gets closure.
    if (incident.alerts > 0) {
      this.#o.bus.emit("alert.resolved", {
        processId: id,
        kind: incident.kind,
        text: resolvedText(id, how, this.#o.lang),
      });
    }
  }

  info(id: string, text: string): void {
    this.#o.log.info({ peer: id }, text);
    this.#o.bus.emit("info", { processId: id, text });
  }

  /** A mute ran out: incidents it kept quiet and that are still open are announced now. */
  muteExpired(mute: Mute): void {
    this.info(mute.target, infoTexts(this.#o.lang ?? "en").muteExpired(mute.target));
    for (const e of this.#entries.values()) {
      if (!targetMatches(mute.target, e.id) || this.#o.mutes.isMuted(e.id)) continue;
      if (e.flap && !e.flap.announced && e.incident) {
        const text = flappingText(e.id, e.flap.lastKind, e.flap.count, this.#o.flapWindowMs, this.#o.lang);
        e.flap.announced = this.#alert(e, text, false);
      } else if (!e.flap && e.incident && e.incident.alerts === 0) {
        this.#alert(e, e.incident.text, false);
        this.#timers.armRepeat(e);
      }
    }
  }

  /** Open incidents, oldest first. */
  list(): Incident[] {
    const out: Incident[] = [];
    for (const e of this.#entries.values()) {
      const incident = listedIncident(e, this.#o.mutes.isMuted(e.id));
      if (incident) out.push(incident);
    }
    return out.sort((a, b) => a.since - b.since || a.id.localeCompare(b.id));
  }

  /**
   * Open incidents of the last run: they go on (their repeats too, on the time left) and are not
   * announced again.
   */
  restore(incidents: readonly PersistedIncident[]): void {
    const now = this.#o.clock.now();
    for (const incident of incidents) {
      const e = this.#entry(incident.id);
      e.incident = { ...incident };
      const last = incident.lastAlertAt ?? incident.since;
      this.#timers.armRepeat(e, Math.max(0, last + this.#o.alertRepeatMs - now));
    }
  }

  /** Drops what is known of `id` (a process forgotten after a long absence), quietly. */
  forget(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    this.#timers.stopAll(e);
    this.#entries.delete(id);
  }

  clear(): void {
    for (const e of this.#entries.values()) this.#timers.stopAll(e);
    this.#entries.clear();
  }

  #entry(id: string): BookEntry {
    let e = this.#entries.get(id);
    if (!e) {
      e = { id, openings: [] };
      this.#entries.set(id, e);
    }
    return e;
  }

  /** Emits an alert unless the process is muted; returns whether it went out. */
  #alert(e: BookEntry, text: string, repeat: boolean): boolean {
    const kind = currentKind(e);
    if (this.#o.mutes.isMuted(e.id)) {
      this.#o.log.info({ peer: e.id, kind, repeat }, "alert suppressed (muted)");
      return false;
    }
    if (e.incident) {
      e.incident.alerts++;
      e.incident.lastAlertAt = this.#o.clock.now();
    }
    this.#o.bus.emit("alert", { processId: e.id, kind, text, repeat });
    this.#changed(e);
    return true;
  }

  #changed(e: BookEntry): void {
    this.#o.onChange?.(e.id, persistedIncident(e));
  }

  /** The repeat timer fired: the alert again (or, while flapping, "still flapping"), and re-arm. */
  #repeat(e: BookEntry): void {
    const now = this.#o.clock.now();
    if (e.flap) {
      const text = stillFlappingText(e.id, e.flap.lastKind, e.flap.count, now - e.flap.since, this.#o.lang);
      e.flap.announced = this.#alert(e, text, e.flap.announced) || e.flap.announced;
    } else if (e.incident) {
      const first = e.incident.alerts === 0;
      this.#alert(
        e,
        first ? e.incident.text : repeatText(e.incident.text, now - e.incident.since, this.#o.lang),
        !first,
      );
    } else {
      return;
    }
    this.#timers.armRepeat(e);
  }

  /** No transition for a whole flap window: unfold. */
  #stable(e: BookEntry): void {
    const flap = e.flap;
    if (!flap) return;
    e.flap = undefined;
    e.openings = [];
    this.#o.log.info({ peer: e.id, count: flap.count, healthy: !e.incident }, "flapping ended");
    if (e.incident) {
      if (e.incident.alerts === 0) this.#alert(e, e.incident.text, false);
      this.#timers.armRepeat(e);
      return;
    }
    this.#timers.clearRepeat(e);
    if (flap.announced) {
      const how = monitorTexts(this.#o.lang).detail.stableAfterFlapping({ windowMs: this.#o.flapWindowMs });
      this.#o.bus.emit("alert.resolved", {
        processId: e.id,
        kind: flap.lastKind,
        text: resolvedText(e.id, how, this.#o.lang),
      });
    }
  }
}
