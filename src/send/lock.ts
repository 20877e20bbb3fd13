import { join } from "node:path";
import { MissionctlError } from "../errors.ts";
import { ensureIpcDir, secureDir } from "../ipc/ipc-dir.ts";
import { tryPidLock } from "../pid-lock.ts";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const attempt = tryPidLock(path);
    if (attempt.ok) return attempt.release;
    const holder = attempt.holderPid;
    if (holder === undefined) {
      await sleep(5); // a stale lock being taken over by another process: ours may be next
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
