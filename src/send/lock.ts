import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A process-id lock under IPC_DIR/locks: two `send --as cli` must not steal each other's socket. */
export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
  readonly code = "LOCK_TIMEOUT" as const;
  constructor(
    readonly path: string,
    readonly holderPid: number | undefined,
  ) {
    super(`lock ${path} still held by pid ${holderPid ?? "?"}`);
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

const readPid = (path: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Takes `IPC_DIR/locks/{id}.lock` (O_EXCL), waiting while a live process holds it and taking over
 * one left by a dead process. Returns the release function.
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
  const dir = join(ipcDir, "locks");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${id}.lock`);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let told = false;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => {
        if (readPid(path) === process.pid) unlinkSync(path);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readPid(path);
    if (holder === undefined || !alive(holder)) {
      // A lock whose owner died (or a half-written one): take it over. Removing by name races with
      // another taker, but both then retry the O_EXCL create and only one wins.
      if (holder === undefined) await new Promise((r) => setTimeout(r, 20)); // maybe mid-write
      if (readPid(path) === holder) {
        try {
          unlinkSync(path);
        } catch {}
      }
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(path, holder);
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
