import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MissionctlError } from "../errors.ts";
import { ensureIpcDir, secureDir } from "../ipc/ipc-dir.ts";

/** A process-id lock under IPC_DIR/locks: two `send --as cli` must not steal each other's socket. */
export class LockTimeoutError extends MissionctlError<"LOCK_TIMEOUT"> {
  override name = "LockTimeoutError";
  constructor(
    readonly path: string,
    readonly holderPid: number | undefined,
  ) {
    super("LOCK_TIMEOUT", `lock ${path} still held by pid ${holderPid ?? "?"}`, { path, holderPid });
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
 * Takes `IPC_DIR/locks/{id}.lock`, waiting while a live process holds it and taking over one left by
 * a dead process (or holding no pid). Returns the release function.
 *
 * @example
 * const release = await acquireIdLock("/tmp/missionctl", "cli", { timeoutMs: 30_000 });
 * try { ... } finally { release(); }
 */
export async function acquireIdLock(
  ipcDir: string,
  id: string,
  options: { timeoutMs?: number; onWait?: (holderPid: number | undefined) => void } = {},
): Promise<() => void> {
  ensureIpcDir(ipcDir);
  const dir = join(ipcDir, "locks");
  secureDir(dir);
  const path = join(dir, `${id}.lock`);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let told = false;
  for (;;) {
    if (createExclusive(path)) {
      return () => {
        if (pidOf(readText(path)) === process.pid) unlinkSync(path);
      };
    }
    const text = readText(path);
    if (text === undefined) continue; // released in between: try again at once
    const holder = pidOf(text);
    if (holder === undefined || !alive(holder)) {
      if (!takeOver(path, text)) await sleep(5);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(path, holder);
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await sleep(25);
  }
}
