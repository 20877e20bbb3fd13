import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/index.ts";
import { runStrategy } from "../../src/strategy/run.ts";
import { Sleeper } from "../../src/strategy/sleeper.ts";

// Issue 10: on the real clock, Node fires a timer over 2^31−1 ms after 1 ms, so a strategy on a
// 35-day interval ran about a hundred steps a second. These run on systemClock on purpose.
const THIRTY_FIVE_DAYS = 35 * 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("long intervals on the system clock (issue 10)", () => {
  it("a 35-day sleep is still sleeping after 50 ms, and an interrupt ends it", async () => {
    const sleeper = new Sleeper(systemClock);
    const before = Date.now();
    const outcome = sleeper.sleep(THIRTY_FIVE_DAYS);
    await sleep(50);
    expect(sleeper.sleeping).toBe(true);
    expect(sleeper.endsAt).toBeGreaterThanOrEqual(before + THIRTY_FIVE_DAYS);
    sleeper.interrupt();
    expect(await outcome).toBe("interrupted");
  });

  it("a strategy on a 35-day interval runs one step, then sleeps: no steps back to back", async () => {
    let steps = 0;
    const strategy = runStrategy(
      { id: "mm1", intervalMs: THIRTY_FIVE_DAYS, step: () => void steps++ },
      { transport: new MemoryTransport(new MemoryHub(), "mm1"), process: false, lingerMs: 0 },
    );
    try {
      expect(await strategy.started).toBe(true);
      await sleep(150);
      expect(steps).toBe(1);
      expect(strategy.status().state).toBe("sleeping");
    } finally {
      await strategy.stop("test over", { now: true });
    }
    expect(await strategy.done).toBe(0);
  });
});
