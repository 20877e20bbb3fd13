/**
 * The monitor's CPU under load: 5,000 processes' heartbeats at 1/s each for 10 s, injected in
 * process through the real receive path. A Transport stub hands pre-encoded frames (encodeFrame, the
 * project's own codec) to the command system's frame handler, exactly where ZmqTransport's receive
 * loop would: decode and validation, target check, dedup lookup, the `message` event, the monitor's
 * liveness state machine with its per-process silence timer. Only the sockets are left out.
 * With `state` (the default, as the bot runs), the monitor keeps its state in a SQLite file in a
 * temp dir: heartbeats are batched into one transaction a second (docs/state.md).
 */
import { join } from "node:path";
import { LifecycleBus } from "../src/events.ts";
import { encodeFrame, IpcCommandSystem, type Transport, type TransportHandlers } from "../src/ipc/index.ts";
import { createMonitor } from "../src/monitor/index.ts";
import { openState } from "../src/state/index.ts";
import { progress, sleep, tempDir } from "./common.ts";

const PROCESSES = 5_000;
const SECONDS = 10;
/** Deliver in 10 ms batches: 50 heartbeats per tick, as evenly as a real fleet's phases spread. */
const TICK_MS = 10;

export interface MonitorCpuResult {
  monitor_cpu_pct: number;
}

/** A transport with no sockets: the bench calls the frame handler itself. */
class InjectTransport implements Transport {
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
function encodeSecond(second: number): { frame: Buffer; peer: string }[] {
  const out: { frame: Buffer; peer: string }[] = [];
  const now = Date.now() * 1000;
  for (let p = 0; p < PROCESSES; p++) {
    const id = `s${p}`;
    const frame = encodeFrame({
      command_id: `${id}_${now}_${second + 1}`,
      sender_id: id,
      target_id: "*",
      command_type: "heartbeat",
      payload: { state: "sleeping", pid: 10_000 + p, uptime_s: second, interval_ms: 1000, seq: second + 1 },
      timestamp: now + second * 1_000_000,
    });
    out.push({ frame, peer: id });
  }
  return out;
}

export async function benchMonitorCpu(options: { state?: boolean } = {}): Promise<MonitorCpuResult> {
  const transport = new InjectTransport();
  const ipc = new IpcCommandSystem({ id: "chatops", transport });
  const bus = new LifecycleBus();
  const state = options.state === false ? undefined : openState(join(tempDir(), "state.db"));
  const monitor = createMonitor({ ipc, bus, maxProcesses: PROCESSES, ...(state ? { state } : {}) });
  let alerts = 0;
  bus.on("alert", () => alerts++);
  await ipc.start();
  monitor.start();
  // Encoding is the strategies' work, not the monitor's: all of it happens before the window.
  const seconds = Array.from({ length: SECONDS + 1 }, (_, s) => encodeSecond(s));
  const handlers = transport.handlers;
  if (!handlers) throw new Error("transport handlers not set");
  const feed = async (frames: { frame: Buffer; peer: string }[]) => {
    const perTick = (frames.length * TICK_MS) / 1000;
    const start = performance.now();
    for (let i = 0, tick = 0; i < frames.length; tick++) {
      for (const end = Math.min(frames.length, i + perTick); i < end; i++) {
        const f = frames[i] as { frame: Buffer; peer: string };
        handlers.frame(f.frame, f.peer);
      }
      // Next tick on the schedule, not "10 ms after this one": the rate stays 5,000/s.
      await sleep(Math.max(0, start + (tick + 1) * TICK_MS - performance.now()));
    }
  };
  try {
    // The first second creates the 5,000 records (and warms the JIT); it is not measured.
    await feed(seconds[0] ?? []);
    const label = state ? "state on" : "state off";
    progress(
      "monitor-cpu",
      `${PROCESSES} processes known; ${SECONDS} s of heartbeats at 1/s each (${label})`,
    );
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let s = 1; s <= SECONDS; s++) await feed(seconds[s] ?? []);
    const used = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    if (monitor.processes().length !== PROCESSES) throw new Error("the monitor lost processes");
    if (alerts > 0) throw new Error(`${alerts} alerts under steady heartbeats`);
    return { monitor_cpu_pct: (100 * (used.user + used.system)) / 1000 / wall };
  } finally {
    monitor.stop();
    state?.close();
    await ipc.stop();
  }
}
