/**
 * The alert outbox: every line bound for an alert chat is a row here before the Bot API is asked,
 * and is deleted once Telegram accepted it (docs/state.md).
 */
import type { Database, Statement } from "better-sqlite3";

/** One line for one chat, as the notifier queues it. */
export interface OutboxLine {
  chatId: number;
  /** Arrival order (shared by the copies of one line for several chats). */
  seq: number;
  kind: "alert" | "resolved" | "info";
  alertKind?: string;
  processId: string;
  text: string;
  createdAt: number;
}

/** A stored line: its row id, and whether an earlier attempt may have reached Telegram. */
export interface OutboxRow extends OutboxLine {
  id: number;
  attempts: number;
  /** The send id of the last attempt whose outcome is unknown (a timeout, a reset, a kill). */
  maybeSentAs?: string;
}

interface RawRow {
  id: number;
  chat_id: number;
  seq: number;
  kind: OutboxLine["kind"];
  alert_kind: string | null;
  process_id: string;
  text: string;
  created_at: number;
  attempts: number;
  send_id: string | null;
  maybe_sent: number;
}

/**
 * The outbox's statements, prepared once.
 *
 * @example
 * const [id] = outbox.add([{ chatId: 1, seq: 1, kind: "alert", processId: "mm1", text: "🔴 mm1 crashed: x", createdAt: now }]);
 * outbox.attempt([id], "7.1");
 * outbox.delivered([id]);
 */
export class OutboxStore {
  readonly #insert: Statement;
  readonly #attempt: Statement;
  readonly #failed: Statement;
  readonly #delete: Statement;
  readonly #pending: Statement;
  readonly #recoverInFlight: Statement;
  readonly #count: Statement;
  readonly #maxSeq: Statement;
  readonly #chats: Statement;

  constructor(private readonly db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO outbox (chat_id, seq, kind, alert_kind, process_id, text, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#attempt = db.prepare(
      "UPDATE outbox SET attempts = attempts + 1, send_id = ?, in_flight = 1 WHERE id = ?",
    );
    this.#failed = db.prepare(
      "UPDATE outbox SET in_flight = 0, maybe_sent = max(maybe_sent, ?) WHERE id = ?",
    );
    this.#delete = db.prepare("DELETE FROM outbox WHERE id = ?");
    this.#pending = db.prepare("SELECT * FROM outbox WHERE chat_id = ? ORDER BY seq, id");
    // An attempt that was under way when the bot died may have reached Telegram.
    this.#recoverInFlight = db.prepare("UPDATE outbox SET maybe_sent = 1, in_flight = 0 WHERE in_flight = 1");
    this.#count = db.prepare("SELECT count(*) FROM outbox").pluck();
    this.#maxSeq = db.prepare("SELECT coalesce(max(seq), 0) FROM outbox").pluck();
    this.#chats = db.prepare("SELECT DISTINCT chat_id FROM outbox").pluck();
  }

  /** Stores lines (in one transaction, or the caller's); returns their row ids, in order. */
  add(lines: readonly OutboxLine[]): number[] {
    return this.db.transaction(() =>
      lines.map((l) =>
        Number(
          this.#insert.run(l.chatId, l.seq, l.kind, l.alertKind ?? null, l.processId, l.text, l.createdAt)
            .lastInsertRowid,
        ),
      ),
    )();
  }

  /** An attempt at the Bot API is about to start for these rows, as send `sendId`. */
  attempt(ids: readonly number[], sendId: string): void {
    this.db.transaction(() => {
      for (const id of ids) this.#attempt.run(sendId, id);
    })();
  }

  /** The attempt failed; `ambiguous` when the request may have been processed all the same. */
  failed(ids: readonly number[], ambiguous: boolean): void {
    this.db.transaction(() => {
      for (const id of ids) this.#failed.run(ambiguous ? 1 : 0, id);
    })();
  }

  /** Telegram accepted them (or refused them for good): they leave the outbox. */
  delivered(ids: readonly number[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.#delete.run(id);
    })();
  }

  /**
   * What a previous run left for `chatId`, in order. Call {@link recover} once first, so that lines
   * caught in flight by a crash are known as possibly sent.
   */
  pending(chatId: number): OutboxRow[] {
    return (this.#pending.all(chatId) as RawRow[]).map((r) => ({
      id: r.id,
      chatId: r.chat_id,
      seq: r.seq,
      kind: r.kind,
      ...(r.alert_kind !== null ? { alertKind: r.alert_kind } : {}),
      processId: r.process_id,
      text: r.text,
      createdAt: r.created_at,
      attempts: r.attempts,
      ...(r.maybe_sent && r.send_id !== null ? { maybeSentAs: r.send_id } : {}),
    }));
  }

  /** At start: marks the rows that were in flight when the last run ended as possibly sent. */
  recover(): number {
    return this.#recoverInFlight.run().changes;
  }

  /** Chats with rows waiting. */
  chats(): number[] {
    return this.#chats.all() as number[];
  }

  /** The highest arrival number stored (new lines continue after it). */
  maxSeq(): number {
    return this.#maxSeq.get() as number;
  }

  /** Rows waiting, all chats. */
  size(): number {
    return this.#count.get() as number;
  }
}
