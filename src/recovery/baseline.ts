import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Account, parseAccount } from "./account.ts";
import { SyncDataError } from "./errors.ts";
import type { Session, SessionLog } from "./sessions.ts";
import { sessionsBefore } from "./sessions.ts";

/** The account a replay starts from, and where it came from. */
export interface Baseline {
  account: Account;
  /** The file read, or undefined for an empty first-session baseline (no pre_account.json). */
  file: string | undefined;
  bytes: Buffer | undefined;
  /** The session it is the clean end (or an earlier sync) of; undefined for pre_account.json. */
  session: string | undefined;
  /** Sessions between the baseline and the crashed one that neither ended cleanly nor were synced. */
  skipped: string[];
}

/**
 * Finds the crashed session's baseline: the account_backup of the newest earlier session that ended
 * cleanly or was synced by an earlier sync (its backup carries `"synced": true`), else
 * pre_account.json, else empty positions on the crashed session's trading day.
 *
 * @example
 * const b = findBaseline("/srv/mm1", log, crashed);
 * b.account.positions;
 */
export function findBaseline(base: string, log: SessionLog, crashed: Session): Baseline {
  const backups = join(base, "account_backup");
  const names = existsSync(backups) ? readdirSync(backups).sort() : [];
  const skipped: string[] = [];
  for (const s of sessionsBefore(log, crashed)) {
    if (s.cleanEnd) {
      const file = join(backups, `${s.cleanEnd.tradingDay}_${s.session}.json`);
      if (!existsSync(file)) {
        throw new SyncDataError({ key: "backupMissing", params: { session: s.session } }, { file });
      }
      return load(file, s.session, skipped);
    }
    const synced = names
      .filter((n) => n.endsWith(`_${s.session}.json`) && !n.endsWith(".pre-sync.json"))
      .map((n) => join(backups, n))
      .find((f) => isSynced(f));
    if (synced) return load(synced, s.session, skipped);
    skipped.push(s.session);
  }
  const pre = join(base, "pre_account.json");
  if (existsSync(pre)) {
    const bytes = readFileSync(pre);
    const account = parseAccount(bytes.toString("utf8"), pre, crashed.startDay);
    return { account, file: pre, bytes, session: undefined, skipped };
  }
  const account: Account = { trading_day: crashed.startDay, session: undefined, positions: [], raw: {} };
  return { account, file: undefined, bytes: undefined, session: undefined, skipped };
}

function load(file: string, session: string, skipped: string[]): Baseline {
  const bytes = readFileSync(file);
  return { account: parseAccount(bytes.toString("utf8"), file), file, bytes, session, skipped };
}

function isSynced(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { synced?: unknown }).synced === true;
  } catch {
    return false;
  }
}
