/**
 * Interrupt latency: from the moment a `wake` is handed to IpcCommandSystem.request (the command's
 * publish, as the bot does it) to the moment the strategy's sleep has ended, stamped inside the
 * strategy process (bench/interrupt-child.ts).
 *
 * Clocks: both stamps are process.hrtime.bigint(), i.e. Linux CLOCK_MONOTONIC, one system-wide clock
 * that every process on the host reads, so the two stamps are directly comparable (no offset, ns
 * resolution). Date.now() would be comparable too but only to 1 ms, and performance.timeOrigin is
 * fixed per process from the wall clock at its start, so timeOrigin + now() can differ between two
 * processes by a fraction of a millisecond, which is the very size we measure.
 */
import { join } from "node:path";
import * as zmq from "zeromq";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { monoUs, pct, progress, sleep, spawnTs, stopChild, tempDir } from "./common.ts";

const COMMANDS = 2_000;
const WARMUP = 50;
/** Interleaved in blocks: project wakes, then raw frames, then project wakes… (machine drift hits both). */
const BLOCK = 100;
/** Gap between commands: the strategy really sleeps (its loop idle in epoll) when the next one comes. */
const GAP_MS = 5;

export interface InterruptResult {
  interrupt_p50_ms: number;
  interrupt_p99_ms: number;
  interrupt_max_ms: number;
  /** The platform's floor for the same pacing: bare zeromq.js publish → arrival in JS, same clock. */
  raw_oneway_p50_ms: number;
  raw_oneway_p99_ms: number;
}

/**
 * The floor: one bare zeromq.js PUB here, bench/oneway-peer.ts stamping arrivals. This is what waking
 * a sleeping process over ipc costs on this machine before any project code runs.
 */
async function rawSide() {
  const dir = tempDir();
  const pub = new zmq.Publisher();
  await pub.bind(`ipc://${dir}/oneway-bench.ipc`);
  const peer = spawnTs("./oneway-peer.ts", [dir], {}, true);
  const ask = () =>
    new Promise<string[]>((resolve) => {
      peer.proc.once("message", (m) => resolve(m as string[]));
      peer.proc.send?.("stamps");
    });
  await new Promise<void>((resolve, reject) => {
    peer.proc.once("message", () => resolve());
    peer.exit.then(() => reject(new Error(`one-way peer exited: ${peer.stderr()}`)));
  });
  const frame = Buffer.concat([Buffer.from("peer.wake".padEnd(64, " ")), Buffer.alloc(160, 0x61)]);
  // Slow joiner: publish until frames arrive, then start clean.
  while ((await ask()).length === 0) {
    await pub.send(frame);
    await sleep(10);
  }
  const sent: number[] = [];
  return {
    /** One frame; its send time is kept for the stamp the peer takes. */
    async once(record: boolean): Promise<void> {
      await sleep(GAP_MS);
      if (record) sent.push(monoUs());
      await pub.send(frame);
    },
    async collect(): Promise<number[]> {
      await sleep(50);
      const stamps = (await ask()).slice(-sent.length);
      if (stamps.length !== sent.length)
        throw new Error(`raw floor: ${stamps.length} of ${sent.length} frames arrived`);
      return stamps.map((s, i) => (Number(s) - (sent[i] as number)) / 1000);
    },
    async close(): Promise<void> {
      pub.close();
      await stopChild(peer, "SIGKILL");
    },
  };
}

export async function benchInterrupt(): Promise<InterruptResult> {
  const ipcDir = join(tempDir(), "p");
  const child = spawnTs("./interrupt-child.ts", ["intr"], { MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: "warn" });
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  let raw: Awaited<ReturnType<typeof rawSide>> | undefined;
  try {
    await ipc.start();
    ipc.connectToProcess("intr");
    if ((await ipc.waitUntilReachable(["intr"], 30_000)).length > 0)
      throw new Error(`interrupt child never reachable: ${child.stderr()}`);
    raw = await rawSide();
    const sent: number[] = [];
    const wake = async (record: boolean): Promise<void> => {
      await sleep(GAP_MS);
      const t0 = monoUs();
      const r = await ipc.request("intr", "wake", {});
      if (!r.ok) throw new Error(`wake not ok: ${JSON.stringify(r.terminal.get("intr"))}`);
      if (record) sent.push(t0);
    };
    for (let i = 0; i < WARMUP; i++) {
      await wake(false);
      await raw.once(false);
    }
    await ipc.request("intr", "stamps", {});
    progress(
      "interrupt",
      `${COMMANDS} wakes and ${COMMANDS} bare frames, ${GAP_MS} ms apart, in blocks of ${BLOCK}`,
    );
    for (let b = 0; b < COMMANDS / BLOCK; b++) {
      for (let i = 0; i < BLOCK; i++) await wake(true);
      for (let i = 0; i < BLOCK; i++) await raw.once(true);
    }
    const r = await ipc.request("intr", "stamps", {});
    const stamps = (r.terminal.get("intr")?.result?.stamps ?? []) as string[];
    if (stamps.length !== COMMANDS) throw new Error(`expected ${COMMANDS} stamps, got ${stamps.length}`);
    const ms = stamps.map((s, i) => (Number(s) - (sent[i] as number)) / 1000);
    if (ms.some((x) => x < 0))
      throw new Error("a sleep ended before its command was sent: stamps out of step");
    const floor = await raw.collect();
    return {
      interrupt_p50_ms: pct(ms, 0.5),
      interrupt_p99_ms: pct(ms, 0.99),
      interrupt_max_ms: Math.max(...ms),
      raw_oneway_p50_ms: pct(floor, 0.5),
      raw_oneway_p99_ms: pct(floor, 0.99),
    };
  } finally {
    await raw?.close();
    await ipc.stop().catch(() => {});
    await stopChild(child);
  }
}
