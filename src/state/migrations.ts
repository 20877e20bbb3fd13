/**
 * The schema of the state database, as numbered migrations. `PRAGMA user_version` holds the number
 * of migrations applied; `PRAGMA application_id` marks the file as missionctl's, so a file of
 * another program is refused rather than written into.
 */
import type { Database } from "better-sqlite3";

/** "MCTL": what `PRAGMA application_id` says in a missionctl state database. */
export const APPLICATION_ID = 0x4d43544c;

/**
 * Migration n (1-based) brings a database from version n-1 to n. Never edit one that shipped:
 * add the next.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: what the monitor and the notifier keep.
  `
  CREATE TABLE processes (
    id TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    last_heartbeat_at INTEGER,
    state TEXT NOT NULL,
    strategy_state TEXT,
    pid INTEGER,
    interval_ms INTEGER,
    down_kind TEXT,
    address TEXT
  ) WITHOUT ROWID;
  CREATE TABLE incidents (
    process_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    since INTEGER NOT NULL,
    detail TEXT,
    text TEXT NOT NULL,
    alerts INTEGER NOT NULL,
    last_alert_at INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE mutes (
    target TEXT PRIMARY KEY,
    until INTEGER NOT NULL,
    by TEXT,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    alert_kind TEXT,
    process_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    send_id TEXT,
    in_flight INTEGER NOT NULL DEFAULT 0,
    maybe_sent INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_by_chat ON outbox (chat_id, seq);
  `,
  // 2: the audit of chat commands, and the progress messages of commands in flight.
  `
  CREATE TABLE commands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    user_name TEXT,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    command TEXT NOT NULL,
    role TEXT,
    targets TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT,
    denied TEXT,
    confirmation TEXT,
    command_ids TEXT
  );
  CREATE INDEX commands_by_time ON commands (at);
  CREATE TABLE command_results (
    command INTEGER NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
    process_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at INTEGER NOT NULL,
    elapsed_ms INTEGER,
    detail TEXT
  );
  CREATE INDEX command_results_by_command ON command_results (command);
  CREATE TABLE command_names (
    command INTEGER NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
    name TEXT NOT NULL
  );
  CREATE INDEX command_names_by_name ON command_names (name, command);
  CREATE TABLE live_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    verb TEXT NOT NULL,
    targets TEXT NOT NULL,
    stopping TEXT NOT NULL DEFAULT '[]',
    started_at INTEGER NOT NULL
  );
  `,
];

/** The schema version this missionctl writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the migrations after the database's version, up to `upTo`, each in its own transaction
 * together with its version number, so a crash mid-way leaves a consistent earlier version.
 *
 * @example
 * migrate(db); // a fresh file: version 0 → SCHEMA_VERSION
 * migrate(db, 1); // tests: build the previous version
 */
export function migrate(db: Database, upTo = SCHEMA_VERSION): number {
  let version = db.pragma("user_version", { simple: true }) as number;
  while (version < upTo) {
    const sql = MIGRATIONS[version] as string;
    const next = version + 1;
    db.transaction(() => {
      if (next === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(sql);
      db.pragma(`user_version = ${next}`);
    })();
    version = next;
  }
  return version;
}
