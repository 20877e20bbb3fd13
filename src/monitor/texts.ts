/**
 * Every line the monitor publishes, rendered from the catalogs (src/i18n/*\/monitor.ts) in the
 * alert chats' language, MISSIONCTL_LANG (English by default). Alerts name the process and carry
 * exactly one of the words `crashed`, `disconnected`, `silent` (README.md, Chat commands); a notice
 * ending an incident says `resolved`; quiet info lines use none of those words: in every language.
 */
import { type Catalog, catalog, type Lang } from "../i18n/index.ts";
import type { IncidentKind } from "./types.ts";

/** Longest error text quoted in a crash alert (a stack does not belong in a chat line). */
export const MAX_DETAIL_CHARS = 300;

/** The monitor's part of a catalog. */
export type MonitorTexts = Catalog["monitor"];

/**
 * The monitor's texts in `lang`: the details its parts pass along (`no heartbeat for 15 s`).
 *
 * @example
 * monitorTexts("zh").detail.heartbeatsBack; // "心跳已恢复"
 */
export const monitorTexts = (lang: Lang = "en"): MonitorTexts => catalog(lang).monitor;

/**
 * Cuts `text` to one line of at most `max` characters.
 *
 * @example
 * oneLine("Error: boom\n    at step (a.ts:1)"); // "Error: boom at step (a.ts:1)"
 */
export function oneLine(text: string, max = MAX_DETAIL_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The first alert of an incident.
 *
 * @example
 * alertText("mm1", "crashed", "Error: boom"); // "🔴 mm1 crashed: Error: boom"
 * alertText("mm1", "crashed", "Error: boom", "zh"); // "🔴 mm1 crashed（崩溃）：Error: boom"
 */
export function alertText(id: string, kind: IncidentKind, detail?: string, lang: Lang = "en"): string {
  const alert = monitorTexts(lang).alert;
  switch (kind) {
    case "crashed":
      return alert.crashed({ id, detail: detail ? oneLine(detail) : undefined });
    case "disconnected":
      return alert.disconnected({ id, detail });
    case "silent":
      return alert.silent({ id, detail });
  }
}

/**
 * A repeat of an alert whose incident is still open: the first text plus how long it has lasted.
 *
 * @example
 * repeatText("🔴 mm1 crashed: Error: boom", 1_800_000); // "🔴 mm1 crashed: Error: boom — ongoing for 30 min"
 */
export function repeatText(first: string, sinceMs: number, lang: Lang = "en"): string {
  return monitorTexts(lang).repeat({ first, sinceMs });
}

/**
 * The one message that folds a storm of transitions; `kind` is the current state word.
 *
 * @example
 * flappingText("mm1", "disconnected", 3, 60_000);
 * // "🟠 mm1 disconnected (flapping: 3 incidents within 60 s; further changes folded until stable for 60 s)"
 */
export function flappingText(
  id: string,
  kind: IncidentKind,
  count: number,
  windowMs: number,
  lang: Lang = "en",
): string {
  const icon = kind === "silent" ? "🟡" : "🟠";
  return monitorTexts(lang).flapping({ icon, id, kind, count, windowMs });
}

/**
 * A reminder that a process is still flapping; `kind` is the last incident's word.
 *
 * @example
 * stillFlappingText("mm1", "crashed", 40, 1_800_000); // "🟠 mm1 crashed (still flapping: 40 incidents in 30 min)"
 */
export function stillFlappingText(
  id: string,
  kind: IncidentKind,
  count: number,
  sinceMs: number,
  lang: Lang = "en",
): string {
  return monitorTexts(lang).stillFlapping({ id, kind, count, sinceMs });
}

/**
 * The notice that ends an incident.
 *
 * @example
 * resolvedText("mm1", "heartbeats are back"); // "🟢 mm1 resolved: heartbeats are back"
 */
export function resolvedText(id: string, how: string, lang: Lang = "en"): string {
  return monitorTexts(lang).resolved({ id, how });
}

/** Quiet lines (planned stops, restarts, mute expiry): none of the alert words, no `resolved`. */
export interface InfoTexts {
  stopped(id: string, reason?: string, exitCode?: number): string;
  exitedAsRequested(id: string): string;
  backAfterStop(id: string): string;
  restarted(id: string, oldPid: number, newPid: number): string;
  muteExpired(target: string): string;
  limitReached(id: string, max: number): string;
}

/**
 * The info lines in `lang`.
 *
 * @example
 * infoTexts("en").stopped("mm1", "finish_and_exit", 0); // "⚪ mm1 stopped as planned (finish_and_exit, exit code 0)"
 */
export function infoTexts(lang: Lang): InfoTexts {
  const info = monitorTexts(lang).info;
  return {
    stopped: (id, reason, exitCode) => info.stopped({ id, reason, exitCode }),
    exitedAsRequested: (id) => info.exitedAsRequested({ id }),
    backAfterStop: (id) => info.backAfterStop({ id }),
    restarted: (id, oldPid, newPid) => info.restarted({ id, oldPid, newPid }),
    muteExpired: (target) => info.muteExpired({ target }),
    limitReached: (id, max) => info.limitReached({ id, max }),
  };
}

/**
 * The info lines in English.
 *
 * @example
 * infoText.stopped("mm1", "finish_and_exit", 0); // "⚪ mm1 stopped as planned (finish_and_exit, exit code 0)"
 */
export const infoText: InfoTexts = infoTexts("en");
