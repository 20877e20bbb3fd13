import { FakeClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import type { IpcCommand } from "../../src/ipc/codec.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { createMonitor, type Monitor, type MonitorOptions } from "../../src/monitor/index.ts";
import { flush } from "../helpers.ts";

/** One line the monitor put on the bus. */
export interface BusLine {
  type: "alert" | "alert.resolved" | "info";
  processId: string;
  text: string;
  kind?: string;
  repeat?: boolean;
}

export const T0 = 1_700_000_000_000;
export const ALERT_WORDS = ["crashed", "disconnected", "silent"] as const;

/** How many of the three alert words a text carries (the README promises exactly one per alert). */
export const alertWordCount = (text: string): number =>
  ALERT_WORDS.filter((w) => new RegExp(`\\b${w}\\b`).test(text)).length;

/**
 * A bot (`chatops`) on an in-memory IPC with a monitor on a FakeClock, and strategies that hear it
 * (so XPUB-like presence sees them) and publish events the way a strategy runtime does.
 */
export async function monitorHarness(options: Partial<Omit<MonitorOptions, "ipc" | "bus" | "clock">> = {}) {
  const hub = new MemoryHub();
  const clock = new FakeClock(T0);
  const bot = new IpcCommandSystem({ id: "chatops", transport: new MemoryTransport(hub, "chatops") });
  await bot.start();
  const bus = new LifecycleBus();
  const lines: BusLine[] = [];
  bus.on("alert", (e) => lines.push({ type: "alert", ...e }));
  bus.on("alert.resolved", (e) => lines.push({ type: "alert.resolved", ...e }));
  bus.on("info", (e) => lines.push({ type: "info", ...e }));
  const monitor: Monitor = createMonitor({ ipc: bot, bus, clock, ...options });
  const running = new Map<string, IpcCommandSystem>();
  const seq = new Map<string, number>();
  let nextPid = 1000;
  const pids = new Map<string, number>();

  const h = {
    hub,
    clock,
    bot,
    bus,
    lines,
    monitor,
    /** Starts strategy `id` (a new incarnation with a new pid); it hears the bot and the bot hears it. */
    async launch(id: string): Promise<IpcCommandSystem> {
      const s = new IpcCommandSystem({ id, transport: new MemoryTransport(hub, id) });
      await s.start();
      s.connectToProcess("chatops");
      bot.connectToProcess(id);
      running.set(id, s);
      pids.set(id, nextPid++);
      await flush();
      return s;
    },
    pid: (id: string): number => pids.get(id) ?? 0,
    async publish(id: string, type: string, payload: Record<string, unknown>): Promise<void> {
      const s = running.get(id);
      if (!s) throw new Error(`${id} is not running`);
      await s.broadcast(type, payload);
      await flush();
    },
    async beat(id: string, extra: Record<string, unknown> = {}): Promise<void> {
      const n = (seq.get(id) ?? 0) + 1;
      seq.set(id, n);
      await h.publish(id, "heartbeat", {
        state: "sleeping",
        pid: h.pid(id),
        uptime_s: n,
        interval_ms: 5000,
        seq: n,
        ...extra,
      });
    },
    /** A SIGKILL as the memory transport shows it: every socket of the process goes at once. */
    async kill(id: string): Promise<void> {
      const s = running.get(id);
      running.delete(id);
      await s?.stop();
      await flush();
    },
    /** Injects an event as if it came from `id` (for orderings the memory transport cannot produce). */
    inject(id: string, type: string, payload: Record<string, unknown>): void {
      const command: IpcCommand = {
        command_id: `${id}_${Date.now()}_${Math.random()}`,
        sender_id: id,
        target_id: "*",
        command_type: type,
        payload,
        timestamp: Date.now() * 1000,
      };
      bot.emit("message", command, id);
    },
    async advance(ms: number): Promise<void> {
      clock.advance(ms);
      await flush();
    },
    state: (id: string) => monitor.processes().find((p) => p.id === id)?.state,
    view: (id: string) => monitor.processes().find((p) => p.id === id),
    texts: (type?: BusLine["type"]): string[] =>
      lines.filter((l) => !type || l.type === type).map((l) => l.text),
    async close(): Promise<void> {
      monitor.stop();
      for (const s of running.values()) await s.stop();
      await bot.stop();
    },
  };
  return h;
}

export type MonitorHarness = Awaited<ReturnType<typeof monitorHarness>>;
