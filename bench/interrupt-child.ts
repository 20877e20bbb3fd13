/**
 * The strategy side of the interrupt benchmark: a strategy on the project runtime (runStrategy, real
 * ZeroMQ ipc) whose step stamps CLOCK_MONOTONIC the moment it starts, i.e. the moment the runtime's
 * sleep has ended and the loop moved on. The step does nothing else, so the strategy is asleep again
 * right after. `stamps` hands the stamps back over the same IPC.
 *
 * Usage: interrupt-child <id> (MISSIONCTL_IPC_DIR as for every strategy)
 */
import { runStrategy } from "../src/strategy/index.ts";

const id = process.argv[2] ?? "intr";
const stamps: string[] = [];
runStrategy(
  {
    id,
    intervalMs: 600_000,
    step: (ctx) => {
      // Step 1 runs at start, not after an interrupted sleep: not a sample.
      if (ctx.step > 1) stamps.push(String(process.hrtime.bigint() / 1000n));
    },
    // CLOCK_MONOTONIC in µs, as strings: exact whatever the magnitude, and plain JSON.
    handlers: { stamps: () => ({ stamps: stamps.splice(0) }) },
  },
  { ipcDir: process.env.MISSIONCTL_IPC_DIR, hear: ["chatops"] },
);
