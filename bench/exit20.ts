/**
 * Planned exit of a fleet: `finish_and_exit` broadcast (target `*`) through IpcCommandSystem.request
 * to 20 real `missionctl strategy` processes, all asleep, until every terminal reply is in. The
 * request's expected repliers are the processes present at send time (docs/protocol.md, replies),
 * so it resolves exactly when the 20th `ok` arrives.
 */
import { join } from "node:path";
import { IpcCommandSystem, ZmqTransport } from "../src/ipc/index.ts";
import { type Child, progress, sleep, spawnCli, stopChild, tempDir, untilSleeping } from "./common.ts";

const FLEET = 20;

export interface Exit20Result {
  exit20_ms: number;
  /** Until the last of the 20 processes has actually ended (sockets lingered, process gone). */
  exit20_gone_ms: number;
}

export async function benchExit20(): Promise<Exit20Result> {
  const ipcDir = join(tempDir(), "p");
  const ids = Array.from({ length: FLEET }, (_, i) => `x${String(i + 1).padStart(2, "0")}`);
  const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  const fleet: Child[] = [];
  try {
    await ipc.start();
    for (const id of ids) {
      fleet.push(
        spawnCli(["strategy", id, "--step-ms", "0", "--interval-ms", "600000", "--hear", "chatops"], {
          MISSIONCTL_IPC_DIR: ipcDir,
          LOG_LEVEL: "info",
        }),
      );
      ipc.connectToProcess(id);
    }
    progress("exit20", `started ${FLEET} strategy processes; waiting for all to be reachable and asleep`);
    const missing = await ipc.waitUntilReachable(ids, 60_000);
    if (missing.length > 0) throw new Error(`never reachable: ${missing.join(", ")}`);
    for (const id of ids) await untilSleeping(ipc, id);
    // Let the start-up burst of 20 node processes on 2 cores die down: the figure is about the
    // exit path, not about JIT and GC left over from starting.
    await sleep(1000);
    const exits = fleet.map((c) => c.exit);
    const t0 = performance.now();
    const r = await ipc.request("*", "finish_and_exit", {}, { timeoutMs: 10_000 });
    const replied = performance.now() - t0;
    await Promise.all(exits);
    const gone = performance.now() - t0;
    const oks = [...r.terminal.values()].filter((e) => e.status === "ok").length;
    if (r.expected.length !== FLEET || oks !== FLEET)
      throw new Error(`expected ${FLEET} ok replies, got ${oks} of ${r.expected.length} expected`);
    return { exit20_ms: replied, exit20_gone_ms: gone };
  } finally {
    await ipc.stop().catch(() => {});
    await Promise.all(fleet.map((c) => stopChild(c, "SIGKILL")));
  }
}
