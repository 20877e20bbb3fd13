/**
 * Interrupt latency of the Python runtime beside the TypeScript one, in the same run (issue 15, with
 * issue 17's method): from the moment a `wake` is handed to IpcCommandSystem.request (the command's
 * publish, as the bot does it) to the moment the strategy's sleep has ended, stamped inside the
 * strategy process when its next step starts.
 *
 * - Python: bench/python_interrupt_child.py, a strategy on `missionctl.run_strategy` (10-minute
 *   interval) whose step writes time.monotonic_ns() to a file.
 * - TypeScript: bench/interrupt-child.ts (runStrategy), as in the interrupt stage, whose step keeps
 *   process.hrtime and hands the stamps back on a `stamps` command.
 *
 * Both are CLOCK_MONOTONIC, the one system-wide clock the bench stamps too (see interrupt.ts), so the
 * differences need no offset. Both strategies live for the whole stage and are woken alternately
 * (TS, Python, TS, Python …) with GAP_MS after every wake, so each sleeps about 2 × GAP_MS plus a
 * round trip (≈ the 5 ms pacing of the interrupt stage) before its next wake, and any drift of the
 * machine's load hits both sides alike. A warm-up of WARMUP wakes each is not counted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { monoUs, pct, progress, sleep, spawnTs, stopChild, tempDir } from "./common.ts";
import { benchPy, killPython, pythonUnavailable, spawnPython } from "./python-common.ts";

/** Wakes per side. */
const COMMANDS = 5_000;
const WARMUP = 200;
/** After every wake; each strategy is thus idle ~2 × GAP_MS + one round trip between its wakes. */
const GAP_MS = 2;
/** TS stamps are fetched every BLOCK pairs so that one `stamps` reply stays well under 64 KiB. */
const BLOCK = 1_000;

export interface PyInterruptResult {
  /** Why the stage did not run (the figures are then NaN). */
  skipped?: string;
  py_interrupt_p50_ms: number;
  py_interrupt_p99_ms: number;
  py_interrupt_max_ms: number;
  ts_interrupt_p50_ms: number;
  ts_interrupt_p99_ms: number;
  ts_interrupt_max_ms: number;
  samples: number;
}

const skippedResult = (why: string): PyInterruptResult => ({
  skipped: why,
  py_interrupt_p50_ms: Number.NaN,
  py_interrupt_p99_ms: Number.NaN,
  py_interrupt_max_ms: Number.NaN,
  ts_interrupt_p50_ms: Number.NaN,
  ts_interrupt_p99_ms: Number.NaN,
  ts_interrupt_max_ms: Number.NaN,
  samples: 0,
});

export async function benchPythonInterrupt(): Promise<PyInterruptResult> {
  const why = pythonUnavailable();
  if (why) return skippedResult(why);
  const dir = tempDir();
  const ipcDir = join(dir, "p");
  const stampsFile = join(dir, "py-stamps.txt");
  const py = spawnPython([benchPy("./python_interrupt_child.py"), "pyintr", stampsFile], {
    MISSIONCTL_IPC_DIR: ipcDir,
  });
  const ts = spawnTs("./interrupt-child.ts", ["tsintr"], { MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: "warn" });
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  /** The Python stamps written so far (the file appears with the child's first step). */
  const pyStamps = (): string[] => {
    try {
      return readFileSync(stampsFile, "ascii").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };
  const tsStamps = async (): Promise<string[]> => {
    const r = await ipc.request("tsintr", "stamps", {});
    return (r.terminal.get("tsintr")?.result?.stamps ?? []) as string[];
  };
  try {
    await ipc.start();
    ipc.connectToProcess("pyintr");
    ipc.connectToProcess("tsintr");
    const missing = await ipc.waitUntilReachable(["pyintr", "tsintr"], 30_000);
    if (missing.length > 0)
      throw new Error(
        `never reachable: ${missing.join(", ")}; python stderr: ${py.stderr()}; ts stderr: ${ts.stderr()}`,
      );
    const wake = async (id: string): Promise<number> => {
      const t0 = monoUs();
      const r = await ipc.request(id, "wake", {});
      if (!r.ok)
        throw new Error(`wake ${id} not ok: ${JSON.stringify(r.terminal.get(id) ?? [...r.missing])}`);
      await sleep(GAP_MS);
      return t0;
    };
    for (let i = 0; i < WARMUP; i++) {
      await wake("tsintr");
      await wake("pyintr");
    }
    await sleep(50);
    await tsStamps();
    const pyFrom = pyStamps().length;
    progress("python-intr", `${COMMANDS} wakes each, TypeScript and Python alternating, ${GAP_MS} ms apart`);
    const tsSent: number[] = [];
    const pySent: number[] = [];
    const tsGot: string[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      tsSent.push(await wake("tsintr"));
      pySent.push(await wake("pyintr"));
      if ((i + 1) % BLOCK === 0 || i === COMMANDS - 1) tsGot.push(...(await tsStamps()));
    }
    await sleep(50);
    const pyGot = pyStamps().slice(pyFrom);
    if (tsGot.length !== COMMANDS) throw new Error(`expected ${COMMANDS} TS stamps, got ${tsGot.length}`);
    if (pyGot.length !== COMMANDS)
      throw new Error(`expected ${COMMANDS} Python stamps, got ${pyGot.length}: ${py.stderr()}`);
    const delays = (stamps: string[], sent: number[]) =>
      stamps.map((s, i) => (Number(s) - (sent[i] as number)) / 1000);
    const tsMs = delays(tsGot, tsSent);
    const pyMs = delays(pyGot, pySent);
    if ([...tsMs, ...pyMs].some((x) => x < 0))
      throw new Error("a sleep ended before its command was sent: stamps out of step");
    return {
      py_interrupt_p50_ms: pct(pyMs, 0.5),
      py_interrupt_p99_ms: pct(pyMs, 0.99),
      py_interrupt_max_ms: Math.max(...pyMs),
      ts_interrupt_p50_ms: pct(tsMs, 0.5),
      ts_interrupt_p99_ms: pct(tsMs, 0.99),
      ts_interrupt_max_ms: Math.max(...tsMs),
      samples: COMMANDS,
    };
  } finally {
    await ipc.stop().catch(() => {});
    await Promise.all([killPython(py), stopChild(ts, "SIGKILL")]);
  }
}
