/**
 * English: the monitor's views as chat lines (/status, /alerts, the restart note) and the audit
 * records of /history. Liveness states (`up`, `down`, `silent`, …) and alert words stay as they are.
 */
import { formatDuration as dur } from "../../duration.ts";
import { auditTime, clockTime, count } from "../format.ts";

/** A state and how many processes are in it, for a tally. */
export interface StateCount {
  state: string;
  count: number;
}

const tally = (counts: readonly StateCount[]): string =>
  counts.map((c) => `${count(c.count)} ${c.state}`).join(", ");

/**
 * Chat renderings of views.
 *
 * @example
 * views.mute({ target: "mm*", until: 0, leftMs: 60_000, by: "ann" });
 * // "mm* — muted until 00:00 UTC (60 s left) by ann"
 */
export const views = {
  process: (p: {
    id: string;
    state: string;
    strategyState?: string | undefined;
    heartbeatAgoMs?: number | undefined;
    connected: boolean;
    neverConnected: boolean;
    mutedUntil?: number | undefined;
  }) => {
    const muted = p.mutedUntil !== undefined ? `muted until ${clockTime(p.mutedUntil)}` : "not muted";
    if (p.neverConnected) {
      const was = p.state === "unknown" ? "" : `${p.state}, `;
      return `${p.id} — ${was}never connected since the bot started, ${muted}`;
    }
    const s = p.strategyState ? `${p.state} (${p.strategyState})` : p.state;
    const heartbeat =
      p.heartbeatAgoMs !== undefined ? `heartbeat ${dur(p.heartbeatAgoMs)} ago` : "no heartbeat yet";
    return `${p.id} — ${s}, ${heartbeat}, ${p.connected ? "connected" : "not connected"}, ${muted}`;
  },
  statusResult: (p: {
    state?: string | undefined;
    step?: number | undefined;
    lastStepMs?: number | undefined;
    uptimeMs?: number | undefined;
    nextStepInMs?: number | undefined;
  }) =>
    [
      p.state,
      p.step !== undefined ? `step ${p.step}` : undefined,
      p.lastStepMs !== undefined ? `last step ${dur(p.lastStepMs)}` : undefined,
      p.uptimeMs !== undefined ? `up ${dur(p.uptimeMs)}` : undefined,
      p.nextStepInMs !== undefined ? `next step in ${dur(p.nextStepInMs)}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(", "),
  processList: (p: { count: number; lines: readonly string[] }) =>
    `Processes (${p.count}):\n${p.lines.join("\n")}`,
  summaryHead: (p: { target?: string | undefined; count: number; tally: readonly StateCount[] }) =>
    p.target
      ? `${p.target}: ${count(p.count)} processes — ${tally(p.tally)}`
      : `Processes (${count(p.count)}): ${tally(p.tally)}`,
  summaryOrder: (p: { unhealthy: boolean }) =>
    `(${p.unhealthy ? "unhealthy first" : "all healthy"}; too many for a line each)`,
  summaryMore: (p: { hidden: number; tally: readonly StateCount[]; narrower: string }) =>
    `… and ${count(p.hidden)} more (${tally(p.tally)}): narrow the target, e.g. /status ${p.narrower}`,
  incident: (p: {
    id: string;
    kind: string;
    flapping: boolean;
    muted: boolean;
    since: number;
    agoMs: number;
    alerts: number;
    detail?: string | undefined;
  }) => {
    const flags = [p.flapping ? "flapping" : "", p.muted ? "muted" : ""].filter(Boolean);
    const marks = flags.length ? ` [${flags.join(", ")}]` : "";
    const alerts = `${p.alerts} alert${p.alerts === 1 ? "" : "s"} sent`;
    const detail = p.detail ? `: ${p.detail}` : "";
    return `${p.id} — ${p.kind}${marks} since ${clockTime(p.since)} (${dur(p.agoMs)} ago), ${alerts}${detail}`;
  },
  mute: (p: { target: string; until: number; leftMs: number; by?: string | undefined }) =>
    `${p.target} — muted until ${clockTime(p.until)} (${dur(p.leftMs)} left)${p.by ? ` by ${p.by}` : ""}`,

  /** One audit record of /history, line by line. */
  history: {
    head: (p: {
      at: number;
      userName?: string | undefined;
      userId: number;
      role?: string | undefined;
      chatId?: number | undefined;
      text: string;
    }) => {
      const who = `${p.userName ? `${p.userName} ` : ""}(${p.userId}${p.role ? `, ${p.role}` : ""})`;
      const where = p.chatId !== undefined ? ` in chat ${p.chatId}` : "";
      return `${auditTime(p.at)} ${who}${where}: ${p.text}`;
    },
    denied: (p: { reason: string }) => `  denied: ${p.reason}`,
    confirmation: (p: {
      answer: string;
      by?: number | undefined;
      why?: string | undefined;
      refused: readonly { by: number; button: string; why: string }[];
    }) => {
      const refused = p.refused.map((r) => `${r.by} pressed ${r.button} (${r.why})`);
      return `  ${p.answer}${p.by !== undefined ? ` by ${p.by}` : ""}${p.why ? ` (${p.why})` : ""}${refused.length ? `; refused: ${refused.join(", ")}` : ""}`;
    },
    process: (p: { id: string; outcome: string; elapsedMs?: number | undefined; why?: string | undefined }) =>
      `${p.id} ${p.outcome}${p.elapsedMs !== undefined ? ` ${dur(p.elapsedMs)}` : ""}${p.why ? ` (${p.why})` : ""}`,
    more: (p: { count: number }) => `and ${p.count} more`,
    outcome: (p: { outcome: string; detail?: string | undefined; processes: readonly string[] }) =>
      `  ${p.outcome}${p.detail ? ` — ${p.detail}` : ""}${p.processes.length ? `: ${p.processes.join(", ")}` : ""}`,
  },
};
