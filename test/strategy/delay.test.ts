import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { delay } from "../../src/strategy/delay.ts";
import { StepAbortedError } from "../../src/strategy/errors.ts";

describe("delay", () => {
  it("resolves after ms and removes its abort listener", async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    let removed = 0;
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    };
    const p = delay(100, ac.signal, clock);
    clock.advance(100);
    await expect(p).resolves.toBeUndefined();
    expect(removed).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects with StepAbortedError on abort and clears its timer", async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const p = delay(60_000, ac.signal, clock);
    ac.abort("exit_now");
    await expect(p).rejects.toBeInstanceOf(StepAbortedError);
    await expect(p).rejects.toMatchObject({ name: "AbortError", code: "ABORTED", reason: "exit_now" });
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects at once for an already aborted signal, without a timer", async () => {
    const clock = new FakeClock();
    const p = delay(10, AbortSignal.abort("gone"), clock);
    await expect(p).rejects.toBeInstanceOf(StepAbortedError);
    expect(clock.pendingTimers).toBe(0);
  });
});
