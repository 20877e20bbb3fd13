import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { Sleeper } from "../../src/strategy/sleeper.ts";

describe("Sleeper", () => {
  it("elapses after ms on one timer, and reports when it ends", async () => {
    const clock = new FakeClock(1000);
    const sleeper = new Sleeper(clock);
    const p = sleeper.sleep(500);
    expect(clock.pendingTimers).toBe(1);
    expect(sleeper.endsAt).toBe(1500);
    clock.advance(500);
    expect(await p).toBe("elapsed");
    expect(sleeper.sleeping).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it("an interrupt ends it at once and clears its timer", async () => {
    const clock = new FakeClock();
    const sleeper = new Sleeper(clock);
    const p = sleeper.sleep(15 * 60_000);
    expect(sleeper.interrupt()).toBe(true);
    expect(await p).toBe("interrupted");
    expect(clock.pendingTimers).toBe(0);
    expect(sleeper.interrupt()).toBe(false);
  });

  it("Infinity sets no timer and waits for an interrupt", async () => {
    const clock = new FakeClock();
    const sleeper = new Sleeper(clock);
    const p = sleeper.sleep(Number.POSITIVE_INFINITY);
    expect(clock.pendingTimers).toBe(0);
    expect(sleeper.endsAt).toBeUndefined();
    sleeper.interrupt();
    expect(await p).toBe("interrupted");
  });

  it("a new sleep interrupts the previous one", async () => {
    const clock = new FakeClock();
    const sleeper = new Sleeper(clock);
    const first = sleeper.sleep(100);
    const second = sleeper.sleep(200);
    expect(await first).toBe("interrupted");
    expect(clock.pendingTimers).toBe(1);
    clock.advance(200);
    expect(await second).toBe("elapsed");
  });
});
