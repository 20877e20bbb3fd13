/**
 * Every line the monitor publishes, in one place. Alerts name the process and carry exactly one
 * of the words `crashed`, `disconnected`, `silent` (README.md, Chat commands); a notice ending an
 * incident says `resolved`; quiet info lines use none of those words.
 */
import { formatDuration } from "../duration.ts";
import type { IncidentKind } from "./types.ts";

/** Longest error text quoted in a crash alert (a stack does not belong in a chat line). */
export const MAX_DETAIL_CHARS = 300;

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
 */
export function alertText(id: string, kind: IncidentKind, detail?: string): string {
  switch (kind) {
    case "crashed":
      return `🔴 ${id} crashed: ${oneLine(detail || "no error text")}`;
    case "disconnected":
      return `🔴 ${id} disconnected (${detail || "no stopped notice"})`;
    case "silent":
      return `🟡 ${id} silent: ${detail || "no heartbeat"}`;
  }
}

/**
 * A repeat of an alert whose incident is still open: the first text plus how long it has lasted.
 *
 * @example
 * repeatText("🔴 mm1 crashed: Error: boom", 1_800_000); // "🔴 mm1 crashed: Error: boom — ongoing for 30 min"
 */
export function repeatText(first: string, sinceMs: number): string {
  return `${first} — ongoing for ${formatDuration(sinceMs)}`;
}

/**
 * The one message that folds a storm of transitions; `kind` is the current state word.
 *
 * @example
 * flappingText("mm1", "disconnected", 3, 60_000);
 * // "🟠 mm1 disconnected (flapping: 3 incidents within 60 s; further changes folded until stable for 60 s)"
 */
export function flappingText(id: string, kind: IncidentKind, count: number, windowMs: number): string {
  const icon = kind === "silent" ? "🟡" : "🟠";
  return `${icon} ${id} ${kind} (flapping: ${count} incidents within ${formatDuration(windowMs)}; further changes folded until stable for ${formatDuration(windowMs)})`;
}

/**
 * A reminder that a process is still flapping; `kind` is the last incident's word.
 *
 * @example
 * stillFlappingText("mm1", "crashed", 40, 1_800_000); // "🟠 mm1 crashed (still flapping: 40 incidents in 30 min)"
 */
export function stillFlappingText(id: string, kind: IncidentKind, count: number, sinceMs: number): string {
  return `🟠 ${id} ${kind} (still flapping: ${count} incidents in ${formatDuration(sinceMs)})`;
}

/**
 * The notice that ends an incident.
 *
 * @example
 * resolvedText("mm1", "heartbeats are back"); // "🟢 mm1 resolved: heartbeats are back"
 */
export function resolvedText(id: string, how: string): string {
  return `🟢 ${id} resolved: ${how}`;
}

/**
 * Quiet lines (planned stops, restarts, mute expiry): none of the alert words, no `resolved`.
 *
 * @example
 * infoText.stopped("mm1", "finish_and_exit", 0); // "⚪ mm1 stopped as planned (finish_and_exit, exit code 0)"
 */
export const infoText = {
  stopped: (id: string, reason?: string, exitCode?: number): string => {
    const parts = [reason, exitCode !== undefined ? `exit code ${exitCode}` : undefined].filter(Boolean);
    return `⚪ ${id} stopped as planned${parts.length ? ` (${parts.join(", ")})` : ""}`;
  },
  exitedAsRequested: (id: string): string => `⚪ ${id} exited as requested`,
  backAfterStop: (id: string): string => `⚪ ${id} is up again after a planned stop`,
  restarted: (id: string, oldPid: number, newPid: number): string =>
    `⚪ ${id} restarted (pid ${oldPid} → ${newPid}) without a stop notice in between`,
  muteExpired: (target: string): string => `🔔 mute of ${target} expired; alerts for it are on again`,
  limitReached: (id: string, max: number): string =>
    `⚠️ not tracking ${id}: the monitor already tracks ${max.toLocaleString("en-US")} processes (MISSIONCTL_MAX_PROCESSES); further new ones are not tracked either`,
};
