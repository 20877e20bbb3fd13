/**
 * /status over many processes: a listing that always fits in one or two Telegram messages. A
 * handful of processes get one line each as before; past one message, a summary: counts by state,
 * the unhealthy ones first, as many others as fit, and how to narrow the target to see the rest.
 */

import type { StateCount } from "../i18n/en/views.ts";
import { type Catalog, catalog } from "../i18n/index.ts";
import type { ProcessView } from "../monitor/types.ts";
import { TELEGRAM_TEXT_LIMIT } from "./format.ts";
import { formatProcess } from "./views.ts";

/** Two messages, less what splitting at a line break may waste (lines are at most ~150 chars). */
export const STATUS_SUMMARY_BUDGET = 2 * TELEGRAM_TEXT_LIMIT - 400;

/** Most alarming first; the order of the counts and of the lines. */
const STATE_ORDER = ["down", "silent", "never connected", "unknown", "up", "stopped"] as const;
const UNHEALTHY: ReadonlySet<string> = new Set(["down", "silent", "never connected"]);

/** The state /status groups a process under: its liveness, or "never connected" (a key; the catalog words it). */
export const displayState = (p: ProcessView): string => (p.neverConnected ? "never connected" : p.state);

export interface ProcessListing {
  text: string;
  /** Too many for one line each in one message: counts and the most important lines only. */
  summarized: boolean;
}

function tally(processes: readonly ProcessView[]): StateCount[] {
  const counts = new Map<string, number>();
  for (const p of processes) counts.set(displayState(p), (counts.get(displayState(p)) ?? 0) + 1);
  return STATE_ORDER.filter((s) => counts.has(s)).map((state) => ({ state, count: counts.get(state) ?? 0 }));
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
 * Renders `processes` (sorted by id) for /status. `target` is the target typed, if any; `t` the
 * reader's catalog (English by default).
 *
 * @example
 * renderProcessList(monitor.processes(), Date.now(), undefined, { t: ctx.t }).text;
 * // small:  "Processes (2):\nmm1 — up (sleeping), …\nmm2 — …"
 * // large:  "Processes (3,000): 40 down, 960 silent, 2,000 up\nq0001 — down, …\n…\n… and 2,920 more (2,920 up): narrow the target, e.g. /status p1*"
 */
export function renderProcessList(
  processes: readonly ProcessView[],
  now: number,
  target?: string,
  options: { t?: Catalog; budget?: number } = {},
): ProcessListing {
  const t = options.t ?? catalog("en");
  const budget = options.budget ?? STATUS_SUMMARY_BUDGET;
  // Lines are made when needed: past one message's worth, only those the summary shows (about a
  // hundred of a thousand), each once.
  const lines: (string | undefined)[] = new Array(processes.length);
  const line = (i: number): string => {
    let text = lines[i];
    if (text === undefined) {
      text = formatProcess(processes[i] as ProcessView, now, t);
      lines[i] = text;
    }
    return text;
  };
  // The listing holds every line, joined: once they alone pass the limit, it cannot fit.
  let joined = -1;
  for (let i = 0; i < processes.length && joined <= TELEGRAM_TEXT_LIMIT; i++) joined += line(i).length + 1;
  if (joined <= TELEGRAM_TEXT_LIMIT) {
    const all = lines as string[];
    const plain = target ? all.join("\n") : t.views.processList({ count: processes.length, lines: all });
    if (plain.length <= TELEGRAM_TEXT_LIMIT) return { text: plain, summarized: false };
  }

  const ordered = processes
    .map((p, i) => ({ p, i, rank: STATE_ORDER.indexOf(displayState(p) as (typeof STATE_ORDER)[number]) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i);
  const head = t.views.summaryHead({ target, count: processes.length, tally: tally(processes) });
  const unhealthy = processes.some((p) => UNHEALTHY.has(displayState(p)));
  const out = [head, t.views.summaryOrder({ unhealthy })];
  // Room for the closing line.
  let used = out.join("\n").length + 300;
  let shown = 0;
  for (const { i } of ordered) {
    const text = line(i);
    if (used + text.length + 1 > budget) break;
    out.push(text);
    used += text.length + 1;
    shown++;
  }
  const hidden = ordered.slice(shown).map((o) => o.p);
  if (hidden.length > 0) {
    out.push(
      t.views.summaryMore({
        hidden: hidden.length,
        tally: tally(hidden),
        narrower: narrowerTarget(processes, hidden),
      }),
    );
  }
  return { text: out.join("\n"), summarized: true };
}
