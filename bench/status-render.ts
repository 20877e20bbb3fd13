/**
 * `/status` over 1,000 tracked processes: the handler of commands/status.ts from its start to the
 * text it replies with, as the bot runs it (the monitor's view of every process, the listing, the
 * catalog's words). The monitor is a real one, fed 1,000 processes' heartbeats through the real
 * receive path (bench/monitor-cpu.ts's injected transport), with some processes crashed, silent and
 * muted so that the summary has unhealthy lines to put first. No Telegram: `reply` is where the
 * clock stops.
 */
import { pathToFileURL } from "node:url";
import statusCommand from "../commands/status.ts";
import type { CommandContext } from "../src/bot/types.ts";
import { type Clock, FakeClock } from "../src/clock.ts";
import { LifecycleBus } from "../src/events.ts";
import { catalog, type Lang } from "../src/i18n/index.ts";
import { encodeFrame, IpcCommandSystem } from "../src/ipc/index.ts";
import { silentLogger } from "../src/log.ts";
import { createMonitor } from "../src/monitor/index.ts";
import { encodeSecond, InjectTransport } from "./monitor-cpu.ts";

const PROCESSES = 1_000;
/** Renders measured (after one unmeasured, whose JIT and first-time costs are reported apart). */
const RUNS = 200;

export interface StatusRenderResult {
  /** Median of {@link RUNS} renders of `/status` (no target), handler start → reply text, ms. */
  status1000_render_ms: number;
  status1000_render_p99_ms: number;
  status1000_render_max_ms: number;
  /** The first render of the process (cold: JIT, first use of the catalog), ms. */
  status1000_first_render_ms: number;
  /** The same with a group target (`/status s*`, 1,000 matches), median ms. */
  status1000_target_render_ms: number;
  /** The same in Chinese (the other catalog), median ms. */
  status1000_zh_render_ms: number;
  /** Characters of the reply (two Telegram messages at most). */
  status1000_chars: number;
}

const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] as number;
};

/** A handler context with what /status uses; anything else throws. */
function contextFor(
  monitor: CommandContext["monitor"],
  clock: Clock,
  lang: Lang,
  replies: string[],
): CommandContext {
  const unused = () => {
    throw new Error("not used by /status over a summary");
  };
  return {
    user: { id: 1, name: "bench" },
    chatId: 1,
    lang,
    t: catalog(lang),
    role: "viewer",
    command: "status",
    clock,
    log: silentLogger,
    commands: [],
    targets: { expand: unused, connected: unused },
    layout: "one machine (ipc in /tmp/bench)",
    monitor,
    history: { kept: false, recent: () => [] },
    mutes: { add: unused, remove: unused },
    sync: { run: unused },
    reply: async (text) => {
      replies.push(text);
    },
    track: unused,
    record: () => {},
  };
}

export async function benchStatusRender(): Promise<StatusRenderResult> {
  // The monitor on a fake clock: no silence timer fires while the renders run, and "heartbeat
  // 2.0 s ago" stays the same text run after run.
  const clock = new FakeClock(Date.now());
  const transport = new InjectTransport();
  const ipc = new IpcCommandSystem({ id: "chatops", transport });
  const bus = new LifecycleBus();
  const monitor = createMonitor({ ipc, bus, clock, maxProcesses: PROCESSES });
  await ipc.start();
  monitor.start();
  try {
    const handlers = transport.handlers;
    if (!handlers) throw new Error("transport handlers not set");
    const peers = Array.from({ length: PROCESSES }, (_, p) => `s${String(p).padStart(4, "0")}`);
    for (const [i, frame] of encodeSecond(0, peers).entries()) handlers.frame(frame, peers[i]);
    // A fleet with trouble: every 50th crashed, every 20th of the rest silent, a few muted.
    for (const [p, id] of peers.entries()) {
      if (p % 50 === 7) {
        const crash = encodeFrame({
          command_id: `${id}_crash`,
          sender_id: id,
          target_id: "*",
          command_type: "crash",
          payload: { error: "Error: boom" },
          timestamp: clock.now() * 1000,
        });
        handlers.frame(crash, id);
      }
    }
    monitor.mute("s01*", 3_600_000, "bench");
    // Heartbeats stop for the rest of every 20th: 3 × 1 s later they are silent.
    const beating = peers.filter((_, p) => p % 20 !== 3);
    for (let s = 1; s <= 4; s++) {
      clock.advance(1000);
      const frames = encodeSecond(s, peers);
      for (const [i, id] of peers.entries())
        if (beating.includes(id)) handlers.frame(frames[i] as Buffer, id);
    }
    clock.advance(2000);
    const views = monitor.processes();
    if (views.length !== PROCESSES) throw new Error(`${views.length} processes tracked, not ${PROCESSES}`);
    const replies: string[] = [];
    const render = async (lang: Lang, target?: string): Promise<number> => {
      const ctx = contextFor(monitor, clock, lang, replies);
      const t0 = performance.now();
      await statusCommand.handler(ctx, { target });
      return performance.now() - t0;
    };
    const first = await render("en");
    const text = replies[0] ?? "";
    if (!text.startsWith(`Processes (1,000): `))
      throw new Error(`unexpected /status reply: ${text.slice(0, 200)}`);
    const series = async (lang: Lang, target?: string): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) ms.push(await render(lang, target));
      return ms;
    };
    const en = await series("en");
    const targeted = await series("en", "s*");
    const zh = await series("zh");
    return {
      status1000_render_ms: pct(en, 0.5),
      status1000_render_p99_ms: pct(en, 0.99),
      status1000_render_max_ms: Math.max(...en),
      status1000_first_render_ms: first,
      status1000_target_render_ms: pct(targeted, 0.5),
      status1000_zh_render_ms: pct(zh, 0.5),
      status1000_chars: text.length,
    };
  } finally {
    monitor.stop();
    await ipc.stop();
  }
}

/** `npx tsx bench/status-render.ts`: one run, for development. */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchStatusRender().then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
