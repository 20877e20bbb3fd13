import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MissionctlError } from "../errors.ts";

/**
 * Another sync of the same strategy holds its lock: two syncs would race on account.json and the
 * executor's pending orders, so the second is refused at once rather than queued.
 *
 * @example
 * try { release = acquireSyncLock(base); } catch (e) { if (e instanceof SyncLockedError) ... }
 */
export class SyncLockedError extends MissionctlError<"SYNC_LOCKED"> {
  override name = "SyncLockedError";
  constructor(path: string, holderPid: number | undefined) {
    super("SYNC_LOCKED", `another sync of this strategy is running (pid ${holderPid ?? "?"}, ${path})`, {
      path,
      holderPid,
    });
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

function tryCreate(path: string): boolean {
  // Written aside then hard-linked: the lock appears whole with its pid, or not at all.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, String(process.pid), { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

const held = new Set<string>();

/**
 * Takes the strategy's sync lock, `{base}/.sync.lock`, or throws SyncLockedError. One file per
 * strategy base folder serves the bot and the shell alike; a lock left by a dead process is taken
 * over. Within one process (the bot) an in-memory set refuses a second sync too, since our own pid
 * is alive by definition. Returns the release function.
 *
 * @example
 * const release = acquireSyncLock("/srv/mm1");
 * try { ... } finally { release(); }
 */
export function acquireSyncLock(base: string): () => void {
  const path = join(base, ".sync.lock");
  if (held.has(path)) throw new SyncLockedError(path, process.pid);
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path)) break;
    let text: string | undefined;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue; // released in between
    }
    const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    if (pid !== undefined && alive(pid)) throw new SyncLockedError(path, pid);
    if (attempt > 3) throw new SyncLockedError(path, pid);
    try {
      unlinkSync(path);
    } catch {}
  }
  held.add(path);
  return () => {
    held.delete(path);
    try {
      unlinkSync(path);
    } catch {}
  };
}
