/**
 * The state database file (docs/state.md): created 0600 in a 0700 directory, WAL, migrated at
 * start from an empty file or the previous schema version; anything else refused with one line.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  APPLICATION_ID,
  expandStatePath,
  MIGRATIONS,
  migrate,
  openState,
  SCHEMA_VERSION,
  StateError,
} from "../../src/state/index.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-state-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The StateError `fn` throws. */
function refusal(fn: () => unknown): StateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StateError) return err;
    throw err;
  }
  throw new Error("no refusal");
}

describe("openState", () => {
  it("creates the file 0600 in a new 0700 directory, in WAL mode, at the current schema version", () => {
    const path = join(dir, "deep", "state.db");
    const state = openState(path);
    state.close();
    expect(statSync(join(dir, "deep")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
    db.close();
  });

  it("migrates an empty file (0 bytes, as a fresh deploy may leave it)", () => {
    const path = join(dir, "state.db");
    writeFileSync(path, "", { mode: 0o644 });
    openState(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("migrates a database of the previous schema version, keeping its rows", () => {
    const path = join(dir, "state.db");
    const old = new Database(path);
    expect(migrate(old, SCHEMA_VERSION - 1)).toBe(SCHEMA_VERSION - 1);
    old.prepare("INSERT INTO mutes (target, until, by, created_at) VALUES ('mm*', 9e12, 'ann', 1)").run();
    old.close();
    const state = openState(path);
    expect(state.monitor.mutes()).toEqual([{ target: "mm*", until: 9e12, by: "ann", createdAt: 1 }]);
    // The newest migration's tables work.
    state.audit.record({
      at: 1,
      finishedAt: 2,
      userId: 7,
      chatId: 7,
      text: "/ping mm1",
      command: "ping",
      targets: ["mm1"],
      outcome: "ok",
      processes: [{ id: "mm1", outcome: "ok", at: 2, elapsedMs: 1 }],
    });
    expect(state.audit.recent("mm1", 5)).toHaveLength(1);
    state.close();
    expect(MIGRATIONS).toHaveLength(SCHEMA_VERSION);
  });

  it("refuses a file that is not SQLite, with one clear line, and leaves it alone", () => {
    const path = join(dir, "state.db");
    writeFileSync(path, "this is not a database, it is a shopping list\n".repeat(100));
    const err = refusal(() => openState(path));
    expect(err.code).toBe("NOT_MISSIONCTL_DB");
    expect(err.message).toBe(
      `${path} is not a missionctl state database (not SQLite); move it away or set MISSIONCTL_STATE to another path`,
    );
    expect(readFileSync(path, "utf8")).toMatch(/^this is not a database/);
  });

  it("refuses another program's SQLite database", () => {
    const path = join(dir, "other.db");
    const db = new Database(path);
    db.exec("CREATE TABLE customers (id INTEGER)");
    db.close();
    const err = refusal(() => openState(path));
    expect(err.code).toBe("NOT_MISSIONCTL_DB");
    expect(err.message).toContain("another program's SQLite file");
  });

  it("refuses a damaged missionctl database", () => {
    const path = join(dir, "state.db");
    const state = openState(path);
    for (let i = 0; i < 300; i++) {
      state.monitor.saveProcesses([{ id: `p${i}`, firstSeenAt: i, lastSeenAt: i, state: "up" }]);
    }
    state.close();
    const db = new Database(path);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    // Garbage over every page but the first (the header and schema stay readable).
    const bytes = readFileSync(path);
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(path, bytes);
    const err = refusal(() => openState(path));
    expect(["CORRUPT", "NOT_MISSIONCTL_DB"]).toContain(err.code);
    expect(err.message).toMatch(new RegExp(`^${path} is (damaged|not a missionctl state database)`));
    expect(err.message).not.toContain("\n");
  });

  it("refuses a database of a newer schema version", () => {
    const path = join(dir, "state.db");
    openState(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const err = refusal(() => openState(path));
    expect(err.code).toBe("NEWER_SCHEMA");
    expect(err.message).toContain(
      `schema version ${SCHEMA_VERSION + 1}, newer than this missionctl's ${SCHEMA_VERSION}`,
    );
  });

  it("read-only: needs an existing, current database and changes nothing", () => {
    const path = join(dir, "state.db");
    expect(refusal(() => openState(path, { readonly: true })).message).toBe(`no state database at ${path}`);
    const old = new Database(path);
    migrate(old, SCHEMA_VERSION - 1);
    old.close();
    expect(refusal(() => openState(path, { readonly: true })).code).toBe("OLDER_SCHEMA");
    openState(path).close();
    const reader = openState(path, { readonly: true });
    expect(reader.audit.recent(undefined, 10)).toEqual([]);
    reader.close();
  });

  it("expands ~/ against the home directory", () => {
    expect(expandStatePath("~/x/state.db")).toMatch(/\/x\/state\.db$/);
    expect(expandStatePath("~/x/state.db").startsWith("~")).toBe(false);
    expect(expandStatePath(":memory:")).toBe(":memory:");
  });
});
