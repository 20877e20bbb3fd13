/**
 * The notifier's side of the alert outbox (src/state/outbox.ts): the hooks its per-chat queues
 * call around each attempt, and the lines a previous run left, ready to be queued again.
 */
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { OutboxStore } from "../state/outbox.ts";
import { type Outgoing, urgencyOf } from "./batch.ts";
import { monitorTexts } from "./texts.ts";

/**
 * What the outbox hears from a per-chat queue (the row ids of the lines concerned).
 *
 * @example
 * new ChatQueue(chatId, { ...options, outbox: outboxHooks(state.outbox, log) });
 */
export interface OutboxHooks {
  /** An attempt starts, as send `sendId`. */
  attempt(rowIds: number[], sendId: string): void;
  /** The attempt failed and will be retried; `maybeSent` when it may have been delivered anyway. */
  failed(rowIds: number[], maybeSent: boolean): void;
  /** Delivered, refused for good, or dropped on overflow: the rows go. */
  done(rowIds: number[]): void;
}

/**
 * The line added to a message that may repeat one sent before (an ambiguous failure, a crash).
 *
 * @example
 * repeatNote("17.1"); // "↻ sent again: delivery of an earlier attempt (send 17.1) was not confirmed, …"
 */
export const repeatNote = (sendId: string, lang: Lang = "en"): string =>
  monitorTexts(lang).batch.repeatNote({ sendId });

/**
 * The outbox rows of `items` (lines queued without a state have none).
 *
 * @example
 * outbox.delivered(rowIds(batch));
 */
export const rowIds = (items: readonly Outgoing[]): number[] =>
  items.flatMap((i) => (i.rowId !== undefined ? [i.rowId] : []));

/**
 * Hooks that write each step to `outbox`. A failing write is logged and delivery goes on: the
 * line is then only as durable as the process.
 *
 * @example
 * new ChatQueue(chatId, { ...options, outbox: outboxHooks(state.outbox, log) });
 */
export function outboxHooks(outbox: OutboxStore, log: Logger): OutboxHooks {
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err }, `alert outbox: could not record ${what}`);
    }
  };
  return {
    attempt: (ids, sendId) => guard("an attempt", () => outbox.attempt(ids, sendId)),
    failed: (ids, maybeSent) => guard("a failed attempt", () => outbox.failed(ids, maybeSent)),
    done: (ids) => guard("a delivery", () => outbox.delivered(ids)),
  };
}

/**
 * The lines a previous run left, per chat, oldest first; rows for chats no longer configured are
 * dropped (logged). Rows caught in flight by a crash come back marked as possibly sent.
 *
 * @example
 * const left = pendingLines(state.outbox, [123], log);
 * for (const item of left.get(123) ?? []) queue.push(item);
 */
export function pendingLines(
  outbox: OutboxStore,
  chats: readonly number[],
  log: Logger,
): Map<number, Outgoing[]> & { maxSeq: number } {
  const out = Object.assign(new Map<number, Outgoing[]>(), { maxSeq: 0 });
  try {
    const recovered = outbox.recover();
    out.maxSeq = outbox.maxSeq();
    for (const chatId of outbox.chats()) {
      const rows = outbox.pending(chatId);
      if (!chats.includes(chatId)) {
        log.warn(
          { chatId, lines: rows.length },
          "alert outbox: dropped lines for a chat no longer in MISSIONCTL_ALERT_CHATS",
        );
        outbox.delivered(rows.map((r) => r.id));
        continue;
      }
      out.set(
        chatId,
        rows.map((r) => ({
          kind: r.kind,
          processId: r.processId,
          text: r.text,
          enqueuedAt: r.createdAt,
          urgency: urgencyOf(r.kind, r.alertKind),
          seq: r.seq,
          rowId: r.id,
          attempts: r.attempts,
          ...(r.alertKind !== undefined ? { alertKind: r.alertKind } : {}),
          ...(r.maybeSentAs !== undefined ? { maybeSentAs: r.maybeSentAs } : {}),
        })),
      );
    }
    const lines = [...out.values()].reduce((n, l) => n + l.length, 0);
    if (lines > 0)
      log.info({ lines, inFlightAtCrash: recovered }, "alert outbox: delivering what the last run left");
  } catch (err) {
    log.error({ err }, "alert outbox: could not read what the last run left");
  }
  return out;
}
