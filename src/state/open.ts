/**
 * Opens the bot's state database (MISSIONCTL_STATE): created 0600 in a 0700 directory, WAL mode,
 * migrated to the current schema at start. A file that is not missionctl's, is damaged, or was
 * written by a newer missionctl is refused with one line ({@link StateError}).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { AuditStore } from "./audit.ts";
import { StateError } from "./errors.ts";
import { APPLICATION_ID, migrate, SCHEMA_VERSION } from "./migrations.ts";
import { OutboxStore } from "./outbox.ts";
import { MonitorStore } from "./processes.ts";

/** A database in memory, gone with the process (tests, the harness). */
export const MEMORY = ":memory:";

/** The one handle on the state; every SQL statement of missionctl lives in the stores it holds. */
export interface StateStore {
  /** The file, or `:memory:`. */
  readonly path: string;
  readonly outbox: OutboxStore;
  readonly monitor: MonitorStore;
  readonly audit: AuditStore;
  /** Runs `fn` in one transaction (nested calls join it); `fn` must be synchronous. */
  atomic<T>(fn: () => T): T;
  /** Whether the database is still open. */
  readonly open: boolean;
  close(): void;
}

export interface OpenStateOptions {
  /** Open an existing database for reading only (`missionctl history`): nothing is created or migrated. */
  readonly?: boolean;
}

const SQLITE_HEADER = "SQLite format 3\u0000";

/**
 * `~/…` expanded against the home directory; anything else resolved against the working directory.
 *
 * @example
 * expandStatePath("~/.local/state/missionctl/state.db"); // "/home/ann/.local/state/missionctl/state.db"
 */
export function expandStatePath(path: string): string {
  if (path === MEMORY) return path;
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return resolve(path);
}

/**
 * Opens (creating and migrating as needed) the state database at `path`.
 *
 * @throws StateError with a one-line message the operator can act on.
 * @example
 * const state = openState(config.MISSIONCTL_STATE);
 * state.monitor.mutes(); // the mutes of the last run
 * state.close();
 */
export function openState(path: string, options: OpenStateOptions = {}): StateStore {
  const file = expandStatePath(path);
  const readonly = options.readonly === true;
  if (file !== MEMORY) prepareFile(file, readonly);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw cannotOpen(file, err);
  }
  try {
    check(db, file, readonly);
    if (!readonly) {
      db.pragma("journal_mode = WAL");
      // FULL: a commit is on disk when it returns, so an alert written before the Bot API call
      // survives a power cut too; commits are rare (the monitor batches its writes once a second).
      db.pragma("synchronous = FULL");
      migrate(db);
    }
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    return store(db, file);
  } catch (err) {
    db.close();
    if (err instanceof StateError) throw err;
    throw classify(file, err);
  }
}

function store(db: Database.Database, path: string): StateStore {
  const outbox = new OutboxStore(db);
  const monitor = new MonitorStore(db);
  const audit = new AuditStore(db);
  return {
    path,
    outbox,
    monitor,
    audit,
    atomic: (fn) => db.transaction(fn)(),
    get open() {
      return db.open;
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** The directory 0700 when we create it; the file 0600, created empty so SQLite never widens it. */
function prepareFile(file: string, readonly: boolean): void {
  if (!existsSync(file)) {
    if (readonly) throw new StateError("CANNOT_OPEN", `no state database at ${file}`, { path: file });
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, "a", 0o600));
    } catch (err) {
      throw cannotOpen(file, err);
    }
  }
  let header = "";
  try {
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    const fd = openSync(file, "r");
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    closeSync(fd);
    header = buf.subarray(0, n).toString("latin1");
    // The state holds who ran what: nobody else on the machine may read it.
    if (!readonly) chmodSync(file, 0o600);
  } catch (err) {
    throw cannotOpen(file, err);
  }
  if (header.length > 0 && header !== SQLITE_HEADER) {
    throw new StateError(
      "NOT_MISSIONCTL_DB",
      `${file} is not a missionctl state database (not SQLite); move it away or set MISSIONCTL_STATE to another path`,
      { path: file },
    );
  }
}

function check(db: Database.Database, file: string, readonly: boolean): void {
  const appId = db.pragma("application_id", { simple: true }) as number;
  const version = db.pragma("user_version", { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get() as number;
  if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && tables === 0)) {
    throw new StateError(
      "NOT_MISSIONCTL_DB",
      `${file} is not a missionctl state database (another program's SQLite file); move it away or set MISSIONCTL_STATE to another path`,
      { path: file, applicationId: appId },
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StateError(
      "NEWER_SCHEMA",
      `${file} has state schema version ${version}, newer than this missionctl's ${SCHEMA_VERSION}; run the newer missionctl or set MISSIONCTL_STATE to another path`,
      { path: file, version, supported: SCHEMA_VERSION },
    );
  }
  if (readonly && version < SCHEMA_VERSION) {
    throw new StateError(
      "OLDER_SCHEMA",
      `${file} has state schema version ${version}; start the bot of this missionctl once to migrate it to ${SCHEMA_VERSION}`,
      { path: file, version, supported: SCHEMA_VERSION },
    );
  }
  const verdict = db.pragma("quick_check", { simple: true }) as string;
  if (verdict !== "ok") {
    throw new StateError(
      "CORRUPT",
      `${file} is damaged (${verdict.split("\n")[0]}); move it away (the bot then starts with an empty state) or restore a copy`,
      { path: file, verdict },
    );
  }
}

/** SQLite's own words for a file that is not a database, or a damaged one. */
function classify(file: string, err: unknown): StateError {
  const code = (err as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB") {
    return new StateError(
      "NOT_MISSIONCTL_DB",
      `${file} is not a missionctl state database (not SQLite); move it away or set MISSIONCTL_STATE to another path`,
      { path: file },
    );
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new StateError(
      "CORRUPT",
      `${file} is damaged (${(err as Error).message}); move it away (the bot then starts with an empty state) or restore a copy`,
      { path: file },
    );
  }
  return cannotOpen(file, err);
}

function cannotOpen(file: string, err: unknown): StateError {
  const why = err instanceof Error ? err.message : String(err);
  return new StateError(
    "CANNOT_OPEN",
    `cannot open the state database ${file}: ${why}`,
    { path: file },
    { cause: err },
  );
}
