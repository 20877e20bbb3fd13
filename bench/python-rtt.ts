/**
 * Ping round trip of the Python runtime against seed 003's design, in the same run (issue 15, with
 * issue 17's method). The requester is the project's IpcCommandSystem (`chatops`, this process),
 * exactly as in the rtt stage: IpcCommandSystem.request(id, "ping") → the peer → its correlated
 * terminal reply, timed with performance.now() around the request.
 *
 * - Python: `python3 -m missionctl.strategy pyrtt --step-ms 0 --interval-ms 600000 --hear chatops`,
 *   the package's demo strategy answering ping with its runtime.
 * - Seed 003: bench/seed003_peer.py, seed 003's IPC command system re-created (a receive task per
 *   SUB → one asyncio.Queue → one worker task → the handler → a publish of the reply), speaking our
 *   wire format.
 *
 * Both peers live for the whole stage and are pinged in alternating blocks of PINGS / BLOCKS (Python,
 * seed 003, Python, …) after a warm-up of WARMUP pings each, so a neighbour's load hits both sides of
 * the ratio alike. CPU per round trip (the peer's /proc time plus this process's) says where the
 * time goes when the ratio is off.
 */
import { join } from "node:path";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { cpuMs, pct, progress, tempDir } from "./common.ts";
import { benchPy, killPython, pythonUnavailable, spawnPython } from "./python-common.ts";

const PINGS = 10_000;
const WARMUP = 1_000;
const BLOCKS = 100;

export interface PyRttResult {
  /** Why the stage did not run (the figures are then NaN). */
  skipped?: string;
  py_rtt_p50_us: number;
  py_rtt_p99_us: number;
  seed003_rtt_p50_us: number;
  seed003_rtt_p99_us: number;
  /** CPU per round trip in µs, the peer and the requester summed. */
  py_cpu_per_rtt_us: number;
  seed003_cpu_per_rtt_us: number;
  pings: number;
}

const skippedResult = (why: string): PyRttResult => ({
  skipped: why,
  py_rtt_p50_us: Number.NaN,
  py_rtt_p99_us: Number.NaN,
  seed003_rtt_p50_us: Number.NaN,
  seed003_rtt_p99_us: Number.NaN,
  py_cpu_per_rtt_us: Number.NaN,
  seed003_cpu_per_rtt_us: Number.NaN,
  pings: 0,
});

export async function benchPythonRtt(): Promise<PyRttResult> {
  const why = pythonUnavailable();
  if (why) return skippedResult(why);
  const ipcDir = join(tempDir(), "p");
  const env = { MISSIONCTL_IPC_DIR: ipcDir };
  const py = spawnPython(
    ["-m", "missionctl.strategy", "pyrtt", "--step-ms", "0", "--interval-ms", "600000", "--hear", "chatops"],
    env,
  );
  const seed = spawnPython([benchPy("./seed003_peer.py"), "seed3", "chatops"], env);
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  try {
    await ipc.start();
    ipc.connectToProcess("pyrtt");
    ipc.connectToProcess("seed3");
    const missing = await ipc.waitUntilReachable(["pyrtt", "seed3"], 30_000);
    if (missing.length > 0)
      throw new Error(
        `never reachable: ${missing.join(", ")}; python stderr: ${py.stderr()}; seed 003 stderr: ${seed.stderr()}`,
      );
    const ping = async (id: string, n: number, out: number[]) => {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await ipc.request(id, "ping", {});
        out.push((performance.now() - t0) * 1000);
        if (!r.ok)
          throw new Error(`ping ${id} not ok: ${JSON.stringify(r.terminal.get(id) ?? [...r.missing])}`);
      }
    };
    progress(
      "python-rtt",
      `peers up; warm-up ${WARMUP} + ${PINGS} pings each, Python and seed 003 alternating in blocks of ${PINGS / BLOCKS}`,
    );
    for (let b = 0; b < 10; b++) {
      await ping("pyrtt", WARMUP / 10, []);
      await ping("seed3", WARMUP / 10, []);
    }
    const pyUs: number[] = [];
    const seedUs: number[] = [];
    let pyCpu = 0;
    let seedCpu = 0;
    const cpuOf = (pid: number) => {
      const u = process.cpuUsage();
      return cpuMs(pid) * 1000 + u.user + u.system;
    };
    for (let b = 0; b < BLOCKS; b++) {
      let c0 = cpuOf(py.pid);
      await ping("pyrtt", PINGS / BLOCKS, pyUs);
      pyCpu += cpuOf(py.pid) - c0;
      c0 = cpuOf(seed.pid);
      await ping("seed3", PINGS / BLOCKS, seedUs);
      seedCpu += cpuOf(seed.pid) - c0;
    }
    return {
      py_rtt_p50_us: pct(pyUs, 0.5),
      py_rtt_p99_us: pct(pyUs, 0.99),
      seed003_rtt_p50_us: pct(seedUs, 0.5),
      seed003_rtt_p99_us: pct(seedUs, 0.99),
      py_cpu_per_rtt_us: pyCpu / PINGS,
      seed003_cpu_per_rtt_us: seedCpu / PINGS,
      pings: PINGS,
    };
  } finally {
    await ipc.stop().catch(() => {});
    await Promise.all([killPython(py), killPython(seed)]);
  }
}
