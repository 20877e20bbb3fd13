/**
 * A lock file holding its owner's pid: created atomically (whole, or not at all), and taken over
 * from a dead owner under a guard so that two takers never remove each other's fresh lock. Used
 * by `send`'s per-id lock and by position sync's per-strategy lock.
 *
 * Why not a library such as proper-lockfile: its lock is a directory whose mtime the holder
 * refreshes on a timer, stale once older than a threshold (2 s at least, 10 s by default). That
 * is not the lock python/missionctl/lock.py takes, so `missionctl send` and
 * `python3 -m missionctl.send` would no longer exclude each other; a dead holder's lock would be
 * taken over only after the threshold instead of at once (its pid is gone: `kill(pid, 0)`); and a
 * live holder whose timer stalls past it (a suspended laptop, SIGSTOP, a long synchronous replay)
 * would lose its lock to a second holder. Its NFS argument (mkdir over O_EXCL) does not apply:
 * the file is made by link(2), and a pid lock is for the processes of one host. The cost of ours:
 * a recycled pid keeps a dead holder's lock looking held until that process ends (the wait is
 * bounded and names the pid).
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

/** True while process `pid` exists (EPERM: it exists, as another user's). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The file's text, or undefined when it does not exist. */
const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
};

const pidOf = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * Creates `path` holding our pid, atomically: the file appears complete (never empty or half
 * written) or not at all. False when it already exists.
 */
function createExclusive(path: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, String(process.pid), { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

/** Removes `path` if it still holds exactly `text` (a file seen as stale). */
function unlinkIfUnchanged(path: string, text: string): void {
  if (readText(path) !== text) return;
  try {
    unlinkSync(path);
  } catch {}
}

/**
 * Removes the stale lock `path` whose content was `staleText`, under the guard `path.takeover`, so
 * that two takers never remove each other's fresh lock: while the guard is held, the lock file can
 * only change by being removed here (its dead owner releases nothing, and creation needs it absent),
 * so "still `staleText`" checked under the guard stays true until the unlink. False when another
 * process holds the guard (retry later).
 */
function takeOver(path: string, staleText: string): boolean {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard)) {
    // A guard is held for microseconds; one left by a process that died holding it is removed.
    const text = readText(guard);
    const pid = pidOf(text);
    if (text !== undefined && (pid === undefined || !alive(pid))) unlinkIfUnchanged(guard, text);
    return false;
  }
  try {
    unlinkIfUnchanged(path, staleText);
  } finally {
    unlinkSync(guard);
  }
  return true;
}

/**
 * What one attempt at a lock came to: ours (with its release); held by a live process; or, with no
 * `holderPid`, a stale lock another taker is removing right now (try again in a moment).
 */
export type LockAttempt = { ok: true; release: () => void } | { ok: false; holderPid?: number };

/**
 * One attempt at the lock `path`, never waiting: taken (a stale lock of a dead owner, or one with
 * no pid, is taken over on the way), held by a live process, or contended. Release removes the
 * file only while it is still ours.
 *
 * @example
 * const attempt = tryPidLock("/srv/mm1/.sync.lock");
 * if (attempt.ok) try { ... } finally { attempt.release(); }
 */
export function tryPidLock(path: string): LockAttempt {
  for (;;) {
    if (createExclusive(path)) {
      return {
        ok: true,
        release: () => {
          if (pidOf(readText(path)) === process.pid) unlinkSync(path);
        },
      };
    }
    const text = readText(path);
    if (text === undefined) continue; // released in between: try again at once
    const holder = pidOf(text);
    if (holder !== undefined && alive(holder)) return { ok: false, holderPid: holder };
    if (!takeOver(path, text)) return { ok: false };
  }
}
