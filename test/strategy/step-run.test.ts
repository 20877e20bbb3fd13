import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { delay } from "../../src/strategy/delay.ts";
import { StepRun } from "../../src/strategy/step-run.ts";

describe("StepRun", () => {
  it("reports completed with its duration", async () => {
    const clock = new FakeClock();
    const run = new StepRun((signal) => delay(250, signal, clock), clock, 1000);
    await Promise.resolve();
    clock.advance(250);
    expect(await run.outcome).toEqual({ kind: "completed", ms: 250 });
  });

  it("reports failed with the error, for a sync throw too", async () => {
    const clock = new FakeClock();
    const err = new Error("no");
    const run = new StepRun(
      () => {
        throw err;
      },
      clock,
      1000,
    );
    expect(await run.outcome).toEqual({ kind: "failed", ms: 0, error: err });
  });

  it("abort: a step that honours its signal is aborted, and the grace timer is cleared", async () => {
    const clock = new FakeClock();
    const run = new StepRun((signal) => delay(10_000, signal, clock), clock, 1000);
    await Promise.resolve();
    run.abort("exit_now");
    expect(await run.outcome).toMatchObject({ kind: "aborted" });
    expect(run.signal.reason).toBe("exit_now");
    expect(clock.pendingTimers).toBe(0);
  });

  it("abort: a step that ignores its signal is abandoned after graceMs; its late rejection is swallowed", async () => {
    const clock = new FakeClock();
    let fail!: (e: Error) => void;
    const run = new StepRun(() => new Promise((_, reject) => (fail = reject)), clock, 1000);
    run.abort("exit_now");
    run.abort("again"); // one grace period only
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1000);
    expect(await run.outcome).toEqual({ kind: "abandoned", ms: 1000 });
    fail(new Error("late")); // no unhandled rejection
    await Promise.resolve();
    expect(run.settled).toBe(true);
  });
});
