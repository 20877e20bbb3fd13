/** The chat rendering of audit records (/history). */
import { formatDuration } from "./format.ts";
import type { HistoryEntry } from "./types.ts";

/** Processes named one by one in an entry; the rest are counted. */
const MAX_PROCESSES = 20;

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `2026-11-26 03:12:05 UTC`: chat readers are anywhere, and seconds matter in an audit. */
export const formatAuditTime = (epochMs: number): string =>
  `${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")} UTC`;

/**
 * One audit record in a few lines: when, who (name, id, role) and where, what they typed; then the
 * confirmation (who pressed what), how it ended, and each process's outcome.
 *
 * @example
 * formatHistoryEntry(entry);
 * // "2026-11-26 03:12:05 UTC ann (1001, operator): /exit *\n  confirmed by 1001\n  ok: mm1 ok 0.8 s, mm2 ok 0.9 s"
 */
export function formatHistoryEntry(e: HistoryEntry): string {
  const who = `${e.userName ? `${e.userName} ` : ""}(${e.userId}${e.role ? `, ${e.role}` : ""})`;
  const where = e.chatId === e.userId ? "" : ` in chat ${e.chatId}`;
  const lines = [`${formatAuditTime(e.at)} ${who}${where}: ${clip(e.text, 200)}`];
  if (e.denied !== undefined) {
    lines.push(`  denied: ${clip(e.denied, 200)}`);
    return lines.join("\n");
  }
  const c = e.confirmation;
  if (c) {
    const by = c.by !== undefined ? ` by ${c.by}` : "";
    const refused = (c.presses ?? [])
      .filter((p) => p.refused)
      .map((p) => `${p.by} pressed ${p.button} (${p.refused})`);
    const why = c.detail ? ` (${clip(c.detail, 80)})` : "";
    lines.push(`  ${c.answer}${by}${why}${refused.length ? `; refused: ${refused.join(", ")}` : ""}`);
  }
  const detail = e.detail ? ` — ${clip(e.detail, 200)}` : "";
  const shown = e.processes.slice(0, MAX_PROCESSES).map((p) => {
    const time = p.elapsedMs !== undefined ? ` ${formatDuration(p.elapsedMs)}` : "";
    const why = p.detail ? ` (${clip(p.detail, 80)})` : "";
    return `${p.id} ${p.outcome}${time}${why}`;
  });
  const more = e.processes.length - shown.length;
  if (more > 0) shown.push(`and ${more} more`);
  lines.push(`  ${e.outcome}${detail}${shown.length ? `: ${shown.join(", ")}` : ""}`);
  return lines.join("\n");
}
