/**
 * What goes out first, and how several lines become one message. The per-chat queue
 * ({@link ChatQueue}) sends the most urgent lines first and folds the lines of one urgency that
 * queued up meanwhile into a single message, so a storm costs a few messages, not thousands.
 */
import type { Lang } from "../i18n/index.ts";
import { monitorTexts } from "./texts.ts";

/** Telegram's limit is 4096 characters; the rest is margin for emoji counted as two. */
export const MESSAGE_BUDGET = 3900;
/** Lines quoted in full in a grouped message; the rest are counted and named in one line. */
export const MAX_LISTED_LINES = 20;

/** 0: crashed / disconnected, 1: silent, 2: resolved, 3: info. Lower leaves first. */
export type Urgency = 0 | 1 | 2 | 3;

export interface Outgoing {
  kind: "alert" | "resolved" | "info";
  /** For alerts: `crashed`, `disconnected` or `silent`. */
  alertKind?: string;
  processId: string;
  text: string;
  enqueuedAt: number;
  /** Raised (never lowered) so that a line never overtakes an earlier line of the same process. */
  urgency: Urgency;
  /** Arrival order, across chats. */
  seq: number;
  /** Its row in the alert outbox, when the state is on. */
  rowId?: number;
  /** Attempts so far (kept across restarts by the outbox). */
  attempts?: number;
  /** The send id of an earlier attempt that may have been delivered: this one says it may repeat. */
  maybeSentAs?: string;
}

/**
 * How urgent a line is: a death before a silence, a silence before good news, good news before
 * quiet info. Unknown alert kinds count as deaths: better early than late.
 *
 * @example
 * urgencyOf("alert", "silent"); // 1
 */
export function urgencyOf(kind: Outgoing["kind"], alertKind?: string): Urgency {
  if (kind === "info") return 3;
  if (kind === "resolved") return 2;
  return alertKind === "silent" ? 1 : 0;
}

/** Puts `item` into `lines` (sorted by arrival) where its arrival order says. */
export function insertBySeq(lines: Outgoing[], item: Outgoing): void {
  let at = lines.length;
  while (at > 0 && (lines[at - 1] as Outgoing).seq > item.seq) at--;
  lines.splice(at, 0, item);
}

const ICONS: Record<Urgency, string> = { 0: "🔴", 1: "🟡", 2: "🟢", 3: "⚪" };

/** The word a folded line is counted under: the alert word, `resolved`, or `info`. */
const wordOf = (item: Outgoing): string =>
  item.kind === "alert" ? (item.alertKind ?? "alert") : item.kind === "resolved" ? "resolved" : "info";

/**
 * The text of one message carrying `items` (all of one urgency, oldest first): one line each,
 * up to {@link MAX_LISTED_LINES} and the budget; the rest folded into one line that counts them
 * by word and names as many processes as fit.
 *
 * @example
 * composeBatch([a, b]); // "🔴 mm1 crashed: Error: boom\n🔴 mm2 disconnected (no stopped notice)"
 * composeBatch(thousandSilent);
 * // "🟡 p0001 silent: …\n…(20 lines)\n🟡 and 980 more (980 silent): p0021, p0022, … — /alerts lists open incidents"
 */
export function composeBatch(items: readonly Outgoing[], budget = MESSAGE_BUDGET, lang: Lang = "en"): string {
  const [first] = items;
  if (!first) return "";
  if (items.length === 1) return first.text.slice(0, budget);
  // Room for the folded line, kept back while listing.
  const reserve = Math.min(600, Math.floor(budget / 3));
  const listed: string[] = [];
  let used = 0;
  for (const item of items) {
    const cost = item.text.length + 1;
    if (listed.length >= MAX_LISTED_LINES || used + cost > budget - reserve) break;
    listed.push(item.text);
    used += cost;
  }
  const rest = items.slice(listed.length);
  if (rest.length === 0) return listed.join("\n");
  return [...listed, foldedLine(rest, first.urgency, budget - used, lang)].join("\n");
}

function foldedLine(rest: readonly Outgoing[], urgency: Urgency, room: number, lang: Lang): string {
  const texts = monitorTexts(lang).batch;
  const counts = new Map<string, number>();
  for (const item of rest) counts.set(wordOf(item), (counts.get(wordOf(item)) ?? 0) + 1);
  const tally = [...counts].map(([word, count]) => ({ word, count }));
  const hint = rest.some((i) => i.kind === "alert") ? texts.hint : "";
  const head = texts.folded({ icon: ICONS[urgency], count: rest.length, tally });
  const ids = [...new Set(rest.map((i) => i.processId))];
  let named = "";
  for (const [i, id] of ids.entries()) {
    const next = named ? `${named}, ${id}` : id;
    // Keep room for ", …" and the hint.
    if (head.length + next.length + hint.length + 3 > room) {
      named = `${named}${i > 0 ? ", " : ""}…`;
      break;
    }
    named = next;
  }
  return `${head}${named}${hint}`;
}
