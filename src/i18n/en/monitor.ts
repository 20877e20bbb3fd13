/**
 * English: the monitor's lines to the alert chats. Alerts name the process and carry exactly one
 * of the words `crashed`, `disconnected`, `silent`; the notice ending an incident says `resolved`;
 * info lines use none of them (README, Chat commands), in every language.
 */
import { formatDuration as dur } from "../../duration.ts";
import type { IncidentKind } from "../../monitor/types.ts";
import { clockTime, count } from "../format.ts";

const NO_ERROR_TEXT = "no error text";
const NO_STOPPED_NOTICE = "no stopped notice";

/**
 * Alerts, resolved notices, info lines, and the details they quote.
 *
 * @example
 * monitor.alert.crashed({ id: "mm1", detail: "Error: boom" }); // "🔴 mm1 crashed: Error: boom"
 */
export const monitor = {
  alert: {
    crashed: (p: { id: string; detail?: string | undefined }) =>
      `🔴 ${p.id} crashed: ${p.detail || NO_ERROR_TEXT}`,
    disconnected: (p: { id: string; detail?: string | undefined }) =>
      `🔴 ${p.id} disconnected (${p.detail || NO_STOPPED_NOTICE})`,
    silent: (p: { id: string; detail?: string | undefined }) =>
      `🟡 ${p.id} silent: ${p.detail || "no heartbeat"}`,
  },
  repeat: (p: { first: string; sinceMs: number }) => `${p.first} — ongoing for ${dur(p.sinceMs)}`,
  flapping: (p: { icon: string; id: string; kind: IncidentKind; count: number; windowMs: number }) =>
    `${p.icon} ${p.id} ${p.kind} (flapping: ${p.count} incidents within ${dur(p.windowMs)}; further changes folded until stable for ${dur(p.windowMs)})`,
  stillFlapping: (p: { id: string; kind: IncidentKind; count: number; sinceMs: number }) =>
    `🟠 ${p.id} ${p.kind} (still flapping: ${p.count} incidents in ${dur(p.sinceMs)})`,
  resolved: (p: { id: string; how: string }) => `🟢 ${p.id} resolved: ${p.how}`,

  /** Quiet lines: none of the alert words, no `resolved`. */
  info: {
    stopped: (p: { id: string; reason?: string | undefined; exitCode?: number | undefined }) => {
      const parts = [p.reason, p.exitCode !== undefined ? `exit code ${p.exitCode}` : undefined].filter(
        Boolean,
      );
      return `⚪ ${p.id} stopped as planned${parts.length ? ` (${parts.join(", ")})` : ""}`;
    },
    exitedAsRequested: (p: { id: string }) => `⚪ ${p.id} exited as requested`,
    backAfterStop: (p: { id: string }) => `⚪ ${p.id} is up again after a planned stop`,
    restarted: (p: { id: string; oldPid: number; newPid: number }) =>
      `⚪ ${p.id} restarted (pid ${p.oldPid} → ${p.newPid}) without a stop notice in between`,
    muteExpired: (p: { target: string }) => `🔔 mute of ${p.target} expired; alerts for it are on again`,
    limitReached: (p: { id: string; max: number }) =>
      `⚠️ not tracking ${p.id}: the monitor already tracks ${count(p.max)} processes (MISSIONCTL_MAX_PROCESSES); further new ones are not tracked either`,
  },

  /** What an alert says happened, or how an incident ended (`resolved: …`). */
  detail: {
    noErrorText: NO_ERROR_TEXT,
    noStoppedNotice: NO_STOPPED_NOTICE,
    neverConnected: "never connected since the bot started",
    noHeartbeatFor: (p: { ms: number }) => `no heartbeat for ${dur(p.ms)}`,
    whileDown: (p: { lastHeartbeatAt?: number | undefined }) =>
      `while the bot was down, ${p.lastHeartbeatAt === undefined ? "no heartbeat known" : `last heartbeat at ${clockTime(p.lastHeartbeatAt)}`}`,
    heartbeatsBack: "heartbeats are back",
    connectedAgain: "connected again",
    stoppedAsPlanned: (p: { reason?: string | undefined }) =>
      `it stopped as planned${p.reason ? ` (${p.reason})` : ""}`,
    stableAfterFlapping: (p: { windowMs: number }) => `stable for ${dur(p.windowMs)} after flapping`,
    proxyLost: (p: { at: number; unreachable: readonly string[] }) => {
      const n = p.unreachable.length;
      const names = n > 0 ? ` (${p.unreachable.slice(0, 10).join(", ")}${n > 10 ? ", …" : ""})` : "";
      return `lost the link at ${clockTime(p.at)}: ${n} process${n === 1 ? "" : "es"} unreachable${names}`;
    },
    proxyBack: (p: { back: number; of: number }) =>
      `the link is back; ${p.back} of ${p.of} processes present again`,
    stillMissing: (p: { detail: string }) => `${p.detail}; still missing after the proxy came back`,
  },

  /** Several lines in one message: the ones past the first twenty are counted in one line. */
  batch: {
    folded: (p: { icon: string; count: number; tally: readonly { word: string; count: number }[] }) =>
      `${p.icon} and ${count(p.count)} more (${p.tally.map((t) => `${count(t.count)} ${t.word}`).join(", ")}): `,
    hint: " — /alerts lists open incidents",
    repeatNote: (p: { sendId: string }) =>
      `↻ sent again: delivery of an earlier attempt (send ${p.sendId}) was not confirmed, so this may repeat it`,
  },
};
