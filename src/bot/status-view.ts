/**
 * /status over many processes: a listing that always fits in one or two Telegram messages. A
 * handful of processes get one line each as before; past one message, a summary: counts by state,
 * the unhealthy ones first, as many others as fit, and how to narrow the target to see the rest.
 */
import type { ProcessView } from "../monitor/types.ts";
import { TELEGRAM_TEXT_LIMIT } from "./format.ts";
import { formatProcess } from "./views.ts";

/** Two messages, less what splitting at a line break may waste (lines are at most ~150 chars). */
export const STATUS_SUMMARY_BUDGET = 2 * TELEGRAM_TEXT_LIMIT - 400;

/** Most alarming first; the order of the counts and of the lines. */
const STATE_ORDER = ["down", "silent", "never connected", "unknown", "up", "stopped"] as const;
const UNHEALTHY: ReadonlySet<string> = new Set(["down", "silent", "never connected"]);

/** The state /status groups a process under: its liveness, or "never connected". */
export const displayState = (p: ProcessView): string => (p.neverConnected ? "never connected" : p.state);

export interface ProcessListing {
  text: string;
  /** Too many for one line each in one message: counts and the most important lines only. */
  summarized: boolean;
}

const n = (count: number): string => count.toLocaleString("en-US");

function tally(processes: readonly ProcessView[]): string {
  const counts = new Map<string, number>();
  for (const p of processes) counts.set(displayState(p), (counts.get(displayState(p)) ?? 0) + 1);
  return STATE_ORDER.filter((s) => counts.has(s))
    .map((s) => `${n(counts.get(s) ?? 0)} ${s}`)
    .join(", ");
}

function commonPrefix(ids: readonly string[]): string {
  let prefix = ids[0] ?? "";
  for (const id of ids) while (!id.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * A `prefix*` target that matches fewer processes than the current listing and includes the first
 * hidden one, e.g. hidden p1000…p2999 of p0001…p2999 → `p1*`.
 */
export function narrowerTarget(all: readonly ProcessView[], hidden: readonly ProcessView[]): string {
  const ids = hidden.map((p) => p.id);
  const first = ids[0] ?? "";
  const shared = commonPrefix(ids);
  if (shared.length > commonPrefix(all.map((p) => p.id)).length) return `${shared}*`;
  return first.length > shared.length ? `${first.slice(0, shared.length + 1)}*` : first;
}

/**
 * Renders `processes` (sorted by id) for /status. `target` is the target typed, if any.
 *
 * @example
 * renderProcessList(monitor.processes(), Date.now()).text;
 * // small:  "Processes (2):\nmm1 — up (sleeping), …\nmm2 — …"
 * // large:  "Processes (3,000): 40 down, 960 silent, 2,000 up\nq0001 — down, …\n…\n… and 2,920 more (2,920 up): narrow the target, e.g. /status p1*"
 */
export function renderProcessList(
  processes: readonly ProcessView[],
  now: number,
  target?: string,
  budget = STATUS_SUMMARY_BUDGET,
): ProcessListing {
  const lines = processes.map((p) => formatProcess(p, now));
  const plain = target ? lines.join("\n") : `Processes (${processes.length}):\n${lines.join("\n")}`;
  if (plain.length <= TELEGRAM_TEXT_LIMIT) return { text: plain, summarized: false };

  const rank = (p: ProcessView) => STATE_ORDER.indexOf(displayState(p) as (typeof STATE_ORDER)[number]);
  const ordered = processes
    .map((p, i) => ({ p, i, line: lines[i] ?? "" }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i);
  const head = target
    ? `${target}: ${n(processes.length)} processes — ${tally(processes)}`
    : `Processes (${n(processes.length)}): ${tally(processes)}`;
  const unhealthy = processes.filter((p) => UNHEALTHY.has(displayState(p))).length;
  const order = unhealthy > 0 ? "unhealthy first" : "all healthy";
  const out = [head, `(${order}; too many for a line each)`];
  // Room for the closing line.
  let used = out.join("\n").length + 300;
  let shown = 0;
  for (const { line } of ordered) {
    if (used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
    shown++;
  }
  const hidden = ordered.slice(shown).map((o) => o.p);
  if (hidden.length > 0) {
    out.push(
      `… and ${n(hidden.length)} more (${tally(hidden)}): narrow the target, e.g. /status ${narrowerTarget(processes, hidden)}`,
    );
  }
  return { text: out.join("\n"), summarized: true };
}
