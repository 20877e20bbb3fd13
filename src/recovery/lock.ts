import { join } from "node:path";
import { MissionctlError } from "../errors.ts";
import { tryPidLock } from "../pid-lock.ts";
import { inEnglish, type SyncMsg, syncMsg } from "./messages.ts";

/**
 * Another sync of the same strategy holds its lock: two syncs would race on account.json and the
 * executor's pending orders, so the second is refused at once rather than queued.
 *
 * @example
 * try { release = acquireSyncLock(base); } catch (e) { if (e instanceof SyncLockedError) ... }
 */
export class SyncLockedError extends MissionctlError<"SYNC_LOCKED"> {
  override name = "SyncLockedError";
  /** The refusal, for the chat to say in its user's language. */
  readonly msg: SyncMsg;
  constructor(path: string, holderPid: number | undefined) {
    const msg = syncMsg("locked", { pid: holderPid, path });
    super("SYNC_LOCKED", inEnglish(msg), { path, holderPid });
    this.msg = msg;
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
  let attempt = tryPidLock(path);
  // A stale lock being taken over by another sync at this very moment: it settles in microseconds.
  for (let spins = 0; !attempt.ok && attempt.holderPid === undefined && spins < 1000; spins++) {
    attempt = tryPidLock(path);
  }
  if (!attempt.ok) throw new SyncLockedError(path, attempt.holderPid);
  const { release } = attempt;
  held.add(path);
  return () => {
    held.delete(path);
    release();
  };
}
