/**
 * Round trip: IpcCommandSystem.request("rtt", "ping") → a real `missionctl strategy` process (the
 * runtime's ping handler) → its correlated reply, against the floor of the same exchange on bare
 * zeromq.js PUB/SUB. Both peers live for the whole stage and are measured in alternating blocks, so
 * a neighbour's load (2 shared cores) hits both sides of the ratio alike.
 */
import { join } from "node:path";
import * as zmq from "zeromq";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { cpuMs, pct, progress, spawnCli, spawnTs, stopChild, tempDir } from "./common.ts";

const PINGS = 10_000;
const WARMUP = 1_000;
/** Alternating blocks of 100: drift in the machine's load (other users of the 2 cores) hits both sides. */
const BLOCKS = 100;

export interface RttResult {
  rtt_p50_us: number;
  rtt_p99_us: number;
  raw_rtt_p50_us: number;
  raw_rtt_p99_us: number;
  /** CPU per round trip in µs, both processes summed: where the time goes when the ratio is off. */
  cpu_per_rtt_us: number;
  raw_cpu_per_rtt_us: number;
}

/** The raw side: our PUB, their SUB; their PUB, our SUB; one frame out, one frame back. */
async function rawSide(dir: string) {
  const pub = new zmq.Publisher();
  await pub.bind(`ipc://${dir}/raw-bench.ipc`);
  const sub = new zmq.Subscriber();
  sub.subscribe("bench.");
  sub.connect(`ipc://${dir}/raw-peer.ipc`);
  // The body the project would send: same size on the wire, so only the code differs.
  const body = JSON.stringify({
    command_id: "chatops_1732600000000000_1",
    sender_id: "chatops",
    target_id: "peer",
    command_type: "ping",
    payload: {},
    timestamp: 1732600000000000,
  });
  const frame = Buffer.concat([Buffer.from("peer.ping".padEnd(64, " ")), Buffer.from(body)]);
  // Slow joiner: send until the first echo comes back, then drain the extra echoes.
  sub.receiveTimeout = 50;
  for (;;) {
    await pub.send(frame);
    try {
      await sub.receive();
      break;
    } catch {}
  }
  for (;;) {
    try {
      await sub.receive();
    } catch {
      break;
    }
  }
  sub.receiveTimeout = -1;
  return {
    async run(n: number, out: number[]): Promise<void> {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await pub.send(frame);
        await sub.receive();
        out.push((performance.now() - t0) * 1000);
      }
    },
    close(): void {
      pub.close();
      sub.close();
    },
  };
}

export async function benchRtt(): Promise<RttResult> {
  const dir = tempDir();
  const ipcDir = join(dir, "p");
  const peer = spawnTs("./rtt-peer.ts", [dir], {}, true);
  const strategy = spawnCli(
    ["strategy", "rtt", "--step-ms", "0", "--interval-ms", "600000", "--hear", "chatops"],
    {
      MISSIONCTL_IPC_DIR: ipcDir,
      LOG_LEVEL: "info",
    },
  );
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  let raw: Awaited<ReturnType<typeof rawSide>> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      peer.proc.once("message", () => resolve());
      peer.exit.then(() => reject(new Error(`raw peer exited: ${peer.stderr()}`)));
    });
    raw = await rawSide(dir);
    await ipc.start();
    ipc.connectToProcess("rtt");
    const missing = await ipc.waitUntilReachable(["rtt"], 30_000);
    if (missing.length > 0) throw new Error(`strategy never reachable: ${strategy.stderr()}`);
    progress("rtt", `peers up; warm-up ${WARMUP} + ${PINGS} pings each, raw and project alternating`);
    const ping = async (n: number, out: number[]) => {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await ipc.request("rtt", "ping", {});
        out.push((performance.now() - t0) * 1000);
        if (!r.ok) throw new Error(`ping not ok: ${JSON.stringify([...r.missing])}`);
      }
    };
    await raw.run(WARMUP, []);
    await ping(WARMUP, []);
    const rawUs: number[] = [];
    const projUs: number[] = [];
    let rawCpu = 0;
    let projCpu = 0;
    const cpuOf = (pid: number) => {
      const u = process.cpuUsage();
      return cpuMs(pid) * 1000 + u.user + u.system;
    };
    for (let b = 0; b < BLOCKS; b++) {
      let c0 = cpuOf(peer.pid);
      await raw.run(PINGS / BLOCKS, rawUs);
      rawCpu += cpuOf(peer.pid) - c0;
      c0 = cpuOf(strategy.pid);
      await ping(PINGS / BLOCKS, projUs);
      projCpu += cpuOf(strategy.pid) - c0;
    }
    return {
      rtt_p50_us: pct(projUs, 0.5),
      rtt_p99_us: pct(projUs, 0.99),
      raw_rtt_p50_us: pct(rawUs, 0.5),
      raw_rtt_p99_us: pct(rawUs, 0.99),
      cpu_per_rtt_us: projCpu / PINGS,
      raw_cpu_per_rtt_us: rawCpu / PINGS,
    };
  } finally {
    raw?.close();
    await ipc.stop().catch(() => {});
    await Promise.all([stopChild(peer, "SIGKILL"), stopChild(strategy)]);
  }
}
