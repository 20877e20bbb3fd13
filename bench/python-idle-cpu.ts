/**
 * CPU of a sleeping Python strategy (issue 15): `python3 -m missionctl.strategy` (the package's demo
 * strategy, `--step-ms 0 --interval-ms 600000`, default heartbeat 5 s, default hear list
 * `chatops,cli`) with the bot side (`chatops`, this process) present and `cli` absent, as in
 * production between commands. Measured as bench/idle-cpu.ts measures the TypeScript strategy: from
 * outside through /proc/<pid>/stat (every thread: the interpreter and the ZeroMQ I/O thread), over a
 * 10 s window that opens after the strategy has been asleep 12 s.
 *
 * A TypeScript `missionctl strategy` with the same flags sleeps beside it and is read over the same
 * window, so the table carries both sides of the same run (both asleep, they barely share the cores).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { cpuMs, progress, rssMb, sleep, spawnCli, stopChild, tempDir, untilSleeping } from "./common.ts";
import { killPython, pythonUnavailable, spawnPython } from "./python-common.ts";

const WINDOW_MS = 10_000;
/** As in idle-cpu.ts: the window measures the steady state, not the after-effects of starting. */
const SETTLE_MS = 12_000;

/**
 * CPU time of a process in ms to the nanosecond: the first field of /proc/<pid>/task/<tid>/schedstat
 * (time on a CPU, ns) summed over its threads. A cross-check of cpuMs, whose /proc/<pid>/stat ticks
 * are 10 ms, i.e. 0.1 % of a core over the 10 s window.
 */
function schedMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return ns / 1e6;
}

export interface PyIdleResult {
  /** Why the stage did not run (the figures are then NaN). */
  skipped?: string;
  python_idle_cpu_pct: number;
  python_idle_cpu_ms: number;
  /** The same window from schedstat (ns resolution, the threads alive at both reads). */
  python_idle_sched_ms: number;
  /** CPU of the Python strategy in the settle period before the window. */
  python_settle_cpu_ms: number;
  /** The TypeScript strategy over the same window. */
  ts_idle_cpu_pct: number;
  ts_idle_cpu_ms: number;
  ts_idle_sched_ms: number;
  /** Resident memory of the sleeping Python strategy (VmRSS) at the end of the window, MB. */
  python_rss_mb: number;
}

const skippedResult = (why: string): PyIdleResult => ({
  skipped: why,
  python_idle_cpu_pct: Number.NaN,
  python_idle_cpu_ms: Number.NaN,
  python_idle_sched_ms: Number.NaN,
  python_settle_cpu_ms: Number.NaN,
  ts_idle_cpu_pct: Number.NaN,
  ts_idle_cpu_ms: Number.NaN,
  ts_idle_sched_ms: Number.NaN,
  python_rss_mb: Number.NaN,
});

export async function benchPythonIdleCpu(): Promise<PyIdleResult> {
  const why = pythonUnavailable();
  if (why) return skippedResult(why);
  const ipcDir = join(tempDir(), "p");
  const args = ["--step-ms", "0", "--interval-ms", "600000"];
  const py = spawnPython(["-m", "missionctl.strategy", "pyidle", ...args], { MISSIONCTL_IPC_DIR: ipcDir });
  const ts = spawnCli(["strategy", "tsidle", ...args], { MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: "info" });
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  try {
    await ipc.start();
    ipc.connectToProcess("pyidle");
    ipc.connectToProcess("tsidle");
    const missing = await ipc.waitUntilReachable(["pyidle", "tsidle"], 30_000);
    if (missing.length > 0)
      throw new Error(
        `never reachable: ${missing.join(", ")}; python stderr: ${py.stderr()}; ts stderr: ${ts.stderr()}`,
      );
    await untilSleeping(ipc, "pyidle");
    await untilSleeping(ipc, "tsidle");
    const settle0 = cpuMs(py.pid);
    await sleep(SETTLE_MS);
    progress(
      "python-idle",
      `strategies asleep ${SETTLE_MS / 1000} s; measuring their CPU for ${WINDOW_MS / 1000} s`,
    );
    const pyBefore = cpuMs(py.pid);
    const pySched = schedMs(py.pid);
    const tsBefore = cpuMs(ts.pid);
    const tsSched = schedMs(ts.pid);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const pyUsed = cpuMs(py.pid) - pyBefore;
    const pySchedUsed = schedMs(py.pid) - pySched;
    const tsUsed = cpuMs(ts.pid) - tsBefore;
    const tsSchedUsed = schedMs(ts.pid) - tsSched;
    const wall = performance.now() - t0;
    if (py.exited()) throw new Error(`the Python strategy exited during the window: ${py.stderr()}`);
    return {
      python_idle_cpu_pct: (100 * pyUsed) / wall,
      python_idle_cpu_ms: pyUsed,
      python_idle_sched_ms: pySchedUsed,
      python_settle_cpu_ms: pyBefore - settle0,
      ts_idle_cpu_pct: (100 * tsUsed) / wall,
      ts_idle_cpu_ms: tsUsed,
      ts_idle_sched_ms: tsSchedUsed,
      python_rss_mb: rssMb(py.pid),
    };
  } finally {
    await ipc.stop().catch(() => {});
    await Promise.all([killPython(py), stopChild(ts, "SIGKILL")]);
  }
}
