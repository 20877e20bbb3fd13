/**
 * The monitor's CPU under load: 5,000 (or `processes`) processes' heartbeats at 1/s each, injected in
 * process through the real receive path. A Transport stub hands pre-encoded frames (encodeFrame, the
 * project's own codec) to the command system's frame handler, exactly where ZmqTransport's receive
 * loop would: decode and validation, target check, dedup lookup, the `message` event, the monitor's
 * liveness state machine with its per-process silence clock. Only the sockets are left out.
 * With `state` (the default, as the bot runs), the monitor keeps its state in a SQLite file in a
 * temp dir: heartbeats are batched into one transaction a second (docs/state.md).
 *
 * The window is the steady state: 2 s of warm-up (the records are created, the JIT settles, every
 * row is written once), then 15 s measured, the refresh period of the rows (docs/state.md: a row
 * whose only news is a later heartbeat is rewritten every 15 s), so the window holds exactly one
 * rewrite of every row, as every 15 s of a running bot does.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LifecycleBus } from "../src/events.ts";
import { encodeFrame, IpcCommandSystem, type Transport, type TransportHandlers } from "../src/ipc/index.ts";
import { createMonitor } from "../src/monitor/index.ts";
import { openState } from "../src/state/index.ts";
import { cleanupAll, progress, sleep, tempDir } from "./common.ts";

/** The fleet of the README's figure; 20,000 is issue 17's target (MISSIONCTL_MAX_PROCESSES is set to match). */
export const DEFAULT_PROCESSES = 5_000;
/** The measured window: one refresh period of the state's rows (src/monitor/persistence.ts). */
const SECONDS = 15;
/** Before the window: the records, the JIT, the first write of every row. */
const WARMUP_SECONDS = 2;
/** Deliver in 10 ms batches (50 heartbeats per tick at 5,000), as evenly as a real fleet's phases spread. */
const TICK_MS = 10;

export interface MonitorCpuResult {
  /** CPU of this process (every thread: JS, GC helpers, SQLite, the kernel on its behalf) over the window, % of a core. */
  monitor_cpu_pct: number;
  /** The user and kernel parts of it. */
  monitor_user_pct: number;
  monitor_system_pct: number;
}

/** A transport with no sockets: the bench calls the frame handler itself (also bench/status-render.ts). */
export class InjectTransport implements Transport {
  readonly id = "chatops";
  readonly address = "inject://chatops";
  handlers?: TransportHandlers;
  setHandlers(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }
  async start(): Promise<void> {}
  async publish(): Promise<void> {}
  connect(): void {}
  disconnect(): void {}
  async close(): Promise<void> {}
}

/** One second of heartbeats from every process: frames as a strategy's runtime would publish them. */
export function encodeSecond(second: number, peers: readonly string[]): Buffer[] {
  const now = Date.now() * 1000;
  return peers.map((id, p) =>
    encodeFrame({
      command_id: `${id}_${now}_${second + 1}`,
      sender_id: id,
      target_id: "*",
      command_type: "heartbeat",
      payload: { state: "sleeping", pid: 10_000 + p, uptime_s: second, interval_ms: 1000, seq: second + 1 },
      timestamp: now + second * 1_000_000,
    }),
  );
}

/**
 * One second's frames in one Buffer, with where each ends. Held as 20,000 Buffers a second (340,000
 * over the run), the fleet's frames would be old-generation objects of the bench's own that every
 * major GC marks, in the process whose CPU is measured; a bot holds none of them.
 */
interface PackedSecond {
  data: Buffer;
  ends: Uint32Array;
}

function packed(frames: readonly Buffer[]): PackedSecond {
  const ends = new Uint32Array(frames.length);
  let at = 0;
  frames.forEach((f, i) => {
    at += f.length;
    ends[i] = at;
  });
  return { data: Buffer.concat(frames as Buffer[]), ends };
}

export interface MonitorCpuOptions {
  /** How many processes heartbeat (default 5,000); the monitor's process limit is set to match. */
  processes?: number;
  /** The SQLite state on (default) or off. */
  state?: boolean;
  /** The measured window (default 15 s, one refresh period of the rows). */
  seconds?: number;
  /** Heartbeats before the window (default 2 s). */
  warmupSeconds?: number;
  /** Development: a V8 CPU profile of the measured window only, written to this .cpuprofile path. */
  cpuProfile?: string;
}

export async function benchMonitorCpu(options: MonitorCpuOptions = {}): Promise<MonitorCpuResult> {
  const processes = options.processes ?? DEFAULT_PROCESSES;
  const transport = new InjectTransport();
  const ipc = new IpcCommandSystem({ id: "chatops", transport });
  const bus = new LifecycleBus();
  const state = options.state === false ? undefined : openState(join(tempDir(), "state.db"));
  const monitor = createMonitor({ ipc, bus, maxProcesses: processes, ...(state ? { state } : {}) });
  let alerts = 0;
  bus.on("alert", () => alerts++);
  // Rows written, to check that the window holds the one rewrite of every row it claims to.
  let rows = 0;
  if (state) {
    const save = state.monitor.saveProcesses.bind(state.monitor);
    state.monitor.saveProcesses = (batch) => {
      rows += batch.length;
      save(batch);
    };
  }
  await ipc.start();
  monitor.start();
  const measured = options.seconds ?? SECONDS;
  const warmup = options.warmupSeconds ?? WARMUP_SECONDS;
  // Encoding is the strategies' work, not the monitor's: all of it happens before the window.
  const peers = Array.from({ length: processes }, (_, p) => `s${p}`);
  const seconds = Array.from({ length: warmup + measured }, (_, s) => packed(encodeSecond(s, peers)));
  const handlers = transport.handlers;
  if (!handlers) throw new Error("transport handlers not set");
  const feed = async ({ data, ends }: PackedSecond) => {
    const perTick = (processes * TICK_MS) / 1000;
    const start = performance.now();
    for (let i = 0, tick = 0; i < processes; tick++) {
      for (const end = Math.min(processes, i + perTick); i < end; i++) {
        // A fresh Buffer per frame, as zeromq.js hands each received message over.
        handlers.frame(data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]), peers[i]);
      }
      // Next tick on the schedule, not "10 ms after this one": the rate stays `processes` a second.
      await sleep(Math.max(0, start + (tick + 1) * TICK_MS - performance.now()));
    }
  };
  try {
    // The records are created, the JIT warms up and every row is written once: not measured.
    for (let s = 0; s < warmup; s++) await feed(seconds[s] as PackedSecond);
    const label = state ? "state on" : "state off";
    progress(
      "monitor-cpu",
      `${processes} processes known; ${measured} s of heartbeats at 1/s each (${label})`,
    );
    const profiler = options.cpuProfile ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    rows = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let s = warmup; s < warmup + measured; s++) await feed(seconds[s] as PackedSecond);
    const used = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    if (profiler && options.cpuProfile) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(options.cpuProfile, JSON.stringify(profile));
      profiler.disconnect();
    }
    if (monitor.processes().length !== processes) throw new Error("the monitor lost processes");
    if (alerts > 0) throw new Error(`${alerts} alerts under steady heartbeats`);
    if (state && measured >= SECONDS && rows !== processes)
      throw new Error(`${rows} rows written in the window, not one rewrite of the ${processes}`);
    const pct = (us: number) => (100 * us) / 1000 / wall;
    return {
      monitor_cpu_pct: pct(used.user + used.system),
      monitor_user_pct: pct(used.user),
      monitor_system_pct: pct(used.system),
    };
  } finally {
    monitor.stop();
    state?.close();
    await ipc.stop();
  }
}

/**
 * `npx tsx bench/monitor-cpu.ts [processes] [on|off] [profile.cpuprofile]`: one run, for development
 * (the profile covers the measured window only). MONITOR_CPU_SECONDS / MONITOR_CPU_WARMUP change
 * the window and the warm-up.
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const processes = Number(process.argv[2] ?? DEFAULT_PROCESSES);
  const state = process.argv[3] !== "off";
  const cpuProfile = process.argv[4];
  const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const seconds = env("MONITOR_CPU_SECONDS");
  const warmupSeconds = env("MONITOR_CPU_WARMUP");
  benchMonitorCpu({
    processes,
    state,
    ...(cpuProfile ? { cpuProfile } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(warmupSeconds !== undefined ? { warmupSeconds } : {}),
  }).then(
    (r) => {
      console.log(JSON.stringify({ processes, state, seconds, warmupSeconds, ...r }));
      cleanupAll();
    },
    (err: unknown) => {
      console.error(err);
      cleanupAll();
      process.exit(1);
    },
  );
}
