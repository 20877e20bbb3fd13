/** The chat rendering of audit records (/history): the data picked here, the words the reader's. */
import { auditTime } from "../i18n/format.ts";
import type { Catalog } from "../i18n/index.ts";
import type { HistoryEntry } from "./types.ts";

/** Processes named one by one in an entry; the rest are counted. */
const MAX_PROCESSES = 20;

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `2026-11-26 03:12:05 UTC`: chat readers are anywhere, and seconds matter in an audit. */
export const formatAuditTime = auditTime;

/**
 * One audit record in a few lines: when, who (name, id, role) and where, what they typed; then the
 * confirmation (who pressed what), how it ended, and each process's outcome. What the audit
 * recorded (outcomes, refusal reasons, error texts) is quoted as it was kept.
 *
 * @example
 * formatHistoryEntry(entry, en);
 * // "2026-11-26 03:12:05 UTC ann (1001, operator): /exit *\n  confirmed by 1001\n  ok: mm1 ok 0.8 s, mm2 ok 0.9 s"
 */
export function formatHistoryEntry(e: HistoryEntry, t: Catalog): string {
  const h = t.views.history;
  const lines = [
    h.head({
      at: e.at,
      userName: e.userName || undefined,
      userId: e.userId,
      role: e.role || undefined,
      chatId: e.chatId === e.userId ? undefined : e.chatId,
      text: clip(e.text, 200),
    }),
  ];
  if (e.denied !== undefined) {
    lines.push(h.denied({ reason: clip(e.denied, 200) }));
    return lines.join("\n");
  }
  const c = e.confirmation;
  if (c) {
    const refused = (c.presses ?? []).flatMap((p) =>
      p.refused ? [{ by: p.by, button: p.button, why: p.refused }] : [],
    );
    lines.push(
      h.confirmation({ answer: c.answer, by: c.by, why: c.detail ? clip(c.detail, 80) : undefined, refused }),
    );
  }
  const shown = e.processes.slice(0, MAX_PROCESSES).map((p) =>
    h.process({
      id: p.id,
      outcome: p.outcome,
      elapsedMs: p.elapsedMs,
      why: p.detail ? clip(p.detail, 80) : undefined,
    }),
  );
  const more = e.processes.length - shown.length;
  if (more > 0) shown.push(h.more({ count: more }));
  lines.push(
    h.outcome({ outcome: e.outcome, detail: e.detail ? clip(e.detail, 200) : undefined, processes: shown }),
  );
  return lines.join("\n");
}
