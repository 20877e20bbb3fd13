/** The audit of chat commands (for /history and `missionctl history`), and progress messages in flight. */
import type { Database, Statement } from "better-sqlite3";

import type { CommandConfirmation, CommandProcessResult } from "../events.ts";

/** How one process ended in a command, and when. */
export type AuditProcessResult = CommandProcessResult;

/** Who answered a confirmation question, how, when, and every press on it. */
export type AuditConfirmation = CommandConfirmation;

/** One chat command, as it ended. */
export interface AuditEntry {
  at: number;
  finishedAt: number;
  userId: number;
  userName?: string;
  chatId: number;
  text: string;
  command: string;
  role?: string;
  targets: string[];
  outcome: string;
  detail?: string;
  /** Set when the user was refused (who they are, what they sent). */
  denied?: string;
  confirmation?: AuditConfirmation;
  commandIds?: string[];
  processes: AuditProcessResult[];
}

export interface AuditRow extends AuditEntry {
  id: number;
}

/** A command's progress message that has not reached its final text yet. */
export interface LiveMessageRow {
  id: number;
  chatId: number;
  messageId?: number;
  verb: string;
  targets: string[];
  /** The processes it asked to exit (/exit): their disconnect after a restart is planned too. */
  stopping: string[];
  startedAt: number;
}

interface CommandRow {
  id: number;
  at: number;
  finished_at: number;
  user_id: number;
  user_name: string | null;
  chat_id: number;
  text: string;
  command: string;
  role: string | null;
  targets: string;
  outcome: string;
  detail: string | null;
  denied: string | null;
  confirmation: string | null;
  command_ids: string | null;
}

interface ResultRow {
  process_id: string;
  outcome: string;
  at: number;
  elapsed_ms: number | null;
  detail: string | null;
}

interface LiveRow {
  id: number;
  chat_id: number;
  message_id: number | null;
  verb: string;
  targets: string;
  stopping: string;
  started_at: number;
}

/**
 * Statements over `commands`, `command_results`, `command_names` and `live_messages`.
 *
 * @example
 * audit.record({ at, finishedAt: at, userId: 1, chatId: 1, text: "/ping mm1", command: "ping",
 *   targets: ["mm1"], outcome: "ok", processes: [{ id: "mm1", outcome: "ok", at }] });
 * audit.recent("mm*", 10); // oldest first
 */
export class AuditStore {
  readonly #insert: Statement;
  readonly #insertResult: Statement;
  readonly #insertName: Statement;
  readonly #lastIds: Statement;
  readonly #lastIdsFor: Statement;
  readonly #byId: Statement;
  readonly #resultsOf: Statement;
  readonly #addLive: Statement;
  readonly #setLive: Statement;
  readonly #deleteLive: Statement;
  readonly #allLive: Statement;

  constructor(private readonly db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO commands (at, finished_at, user_id, user_name, chat_id, text, command, role, targets,
         outcome, detail, denied, confirmation, command_ids)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertResult = db.prepare(
      "INSERT INTO command_results (command, process_id, outcome, at, elapsed_ms, detail) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#insertName = db.prepare("INSERT INTO command_names (command, name) VALUES (?, ?)");
    // By when they were sent: a quick command sent second may finish first.
    this.#lastIds = db.prepare("SELECT id FROM commands ORDER BY at DESC, id DESC LIMIT ?").pluck();
    // Target syntax is a glob (`*`, `mm*`): a name matches the asked target, or is a group reaching it.
    this.#lastIdsFor = db
      .prepare(
        `SELECT id FROM commands WHERE id IN
           (SELECT command FROM command_names WHERE name GLOB @t OR @t GLOB name)
         ORDER BY at DESC, id DESC LIMIT @n`,
      )
      .pluck();
    this.#byId = db.prepare("SELECT * FROM commands WHERE id = ?");
    this.#resultsOf = db.prepare("SELECT * FROM command_results WHERE command = ? ORDER BY rowid");
    this.#addLive = db.prepare(
      "INSERT INTO live_messages (chat_id, message_id, verb, targets, stopping, started_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#setLive = db.prepare("UPDATE live_messages SET message_id = ? WHERE id = ?");
    this.#deleteLive = db.prepare("DELETE FROM live_messages WHERE id = ?");
    this.#allLive = db.prepare("SELECT * FROM live_messages ORDER BY id");
  }

  /** Stores one finished command with its per-process results; returns its id. */
  record(e: AuditEntry): number {
    return this.db.transaction(() => {
      const id = Number(
        this.#insert.run(
          e.at,
          e.finishedAt,
          e.userId,
          e.userName ?? null,
          e.chatId,
          e.text,
          e.command,
          e.role ?? null,
          JSON.stringify(e.targets),
          e.outcome,
          e.detail ?? null,
          e.denied ?? null,
          e.confirmation ? JSON.stringify(e.confirmation) : null,
          e.commandIds?.length ? e.commandIds.join(",") : null,
        ).lastInsertRowid,
      );
      for (const p of e.processes) {
        this.#insertResult.run(id, p.id, p.outcome, p.at, p.elapsedMs ?? null, p.detail ?? null);
      }
      for (const name of new Set([...e.targets, ...e.processes.map((p) => p.id)]))
        this.#insertName.run(id, name);
      return id;
    })();
  }

  /**
   * The last `n` commands by the time they were sent (those touching `target` when given: a process
   * id, `*` or `prefix*`), oldest first.
   */
  recent(target: string | undefined, n: number): AuditRow[] {
    const ids = (
      target === undefined ? this.#lastIds.all(n) : this.#lastIdsFor.all({ t: target, n })
    ) as number[];
    return ids.reverse().map((id) => this.#row(this.#byId.get(id) as CommandRow));
  }

  #row(r: CommandRow): AuditRow {
    const results = (this.#resultsOf.all(r.id) as ResultRow[]).map(
      (p): AuditProcessResult => ({
        id: p.process_id,
        outcome: p.outcome,
        at: p.at,
        ...(p.elapsed_ms !== null ? { elapsedMs: p.elapsed_ms } : {}),
        ...(p.detail !== null ? { detail: p.detail } : {}),
      }),
    );
    return {
      id: r.id,
      at: r.at,
      finishedAt: r.finished_at,
      userId: r.user_id,
      ...(r.user_name !== null ? { userName: r.user_name } : {}),
      chatId: r.chat_id,
      text: r.text,
      command: r.command,
      ...(r.role !== null ? { role: r.role } : {}),
      targets: JSON.parse(r.targets) as string[],
      outcome: r.outcome,
      ...(r.detail !== null ? { detail: r.detail } : {}),
      ...(r.denied !== null ? { denied: r.denied } : {}),
      ...(r.confirmation !== null ? { confirmation: JSON.parse(r.confirmation) as AuditConfirmation } : {}),
      ...(r.command_ids !== null ? { commandIds: r.command_ids.split(",") } : {}),
      processes: results,
    };
  }

  /** A command's progress message began (its message id may follow); returns the row id. */
  addLive(m: Omit<LiveMessageRow, "id">): number {
    return Number(
      this.#addLive.run(
        m.chatId,
        m.messageId ?? null,
        m.verb,
        JSON.stringify(m.targets),
        JSON.stringify(m.stopping),
        m.startedAt,
      ).lastInsertRowid,
    );
  }

  setLiveMessageId(id: number, messageId: number): void {
    this.#setLive.run(messageId, id);
  }

  /** The message reached its final text (or was dealt with after a restart). */
  deleteLive(id: number): void {
    this.#deleteLive.run(id);
  }

  /** Progress messages a previous run left unfinished. */
  liveMessages(): LiveMessageRow[] {
    return (this.#allLive.all() as LiveRow[]).map((r) => ({
      id: r.id,
      chatId: r.chat_id,
      ...(r.message_id !== null ? { messageId: r.message_id } : {}),
      verb: r.verb,
      targets: JSON.parse(r.targets) as string[],
      stopping: JSON.parse(r.stopping) as string[],
      startedAt: r.started_at,
    }));
  }
}
