/**
 * CPU of a sleeping strategy: a real `missionctl strategy` process (default heartbeat 5 s, default
 * hear list `chatops,cli`) with the bot side (`chatops`, this process) present and `cli` absent, as
 * in production between commands. Read from outside through /proc/<pid>/stat, which counts every
 * thread (JS, libuv, the ZeroMQ I/O thread), not only what process.cpuUsage of the JS side would see.
 */
import { join } from "node:path";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { cpuMs, progress, sleep, spawnCli, stopChild, tempDir, untilSleeping } from "./common.ts";

const WINDOW_MS = 10_000;
/**
 * Asleep this long before the window opens. Some 5-15 s after a node process goes quiet, V8's
 * memory reducer runs a one-off full GC (50-90 ms of CPU here, with the start-up garbage); that is a
 * cost of having started, not of sleeping, so it is reported apart (`settle_cpu_ms`) and the window
 * measures the steady state: heartbeats and ZeroMQ reconnecting to the absent `cli`.
 */
const SETTLE_MS = 12_000;

export interface IdleResult {
  idle_cpu_pct: number;
  idle_cpu_ms: number;
  /** CPU in the settle period before the window (includes the one-off GC). */
  settle_cpu_ms: number;
}

export async function benchIdleCpu(): Promise<IdleResult> {
  const ipcDir = join(tempDir(), "p");
  const child = spawnCli(["strategy", "idle", "--step-ms", "0", "--interval-ms", "600000"], {
    MISSIONCTL_IPC_DIR: ipcDir,
    LOG_LEVEL: "info",
  });
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  try {
    await ipc.start();
    ipc.connectToProcess("idle");
    if ((await ipc.waitUntilReachable(["idle"], 30_000)).length > 0)
      throw new Error(`idle strategy never reachable: ${child.stderr()}`);
    await untilSleeping(ipc, "idle");
    const settle0 = cpuMs(child.pid);
    await sleep(SETTLE_MS);
    progress(
      "idle-cpu",
      `strategy asleep ${SETTLE_MS / 1000} s; measuring its CPU for ${WINDOW_MS / 1000} s`,
    );
    const before = cpuMs(child.pid);
    const settled = before - settle0;
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const used = cpuMs(child.pid) - before;
    const wall = performance.now() - t0;
    return { idle_cpu_pct: (100 * used) / wall, idle_cpu_ms: used, settle_cpu_ms: settled };
  } finally {
    await ipc.stop().catch(() => {});
    await stopChild(child);
  }
}
