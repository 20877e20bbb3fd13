import { afterEach, describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/ipc/index.ts";
import { StrategyError } from "../../src/strategy/errors.ts";
import { runStrategy } from "../../src/strategy/run.ts";
import { until } from "../helpers.ts";
import { HEARTBEAT_MS, harness, INTERVAL_MS, resultOf, STEP_MS, statusOf } from "./harness.ts";

type H = Awaited<ReturnType<typeof harness>>;
let h: H | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Runs the first step to its end: the strategy is then sleeping. */
async function toSleep(x: H): Promise<void> {
  x.clock.advance(STEP_MS);
  await x.settle();
  expect(x.strategy.state).toBe("sleeping");
}

describe("schedule", () => {
  it("steps at once, then sleeps intervalMs on one timer, then steps again", async () => {
    h = await harness();
    expect(h.strategy.state).toBe("running");
    expect(h.steps.started).toBe(1);
    await toSleep(h);
    expect(h.steps.finished).toBe(1);
    expect(h.clock.pendingTimers).toBe(2); // the heartbeat and the sleep: nothing polls
    h.clock.advance(INTERVAL_MS - 1);
    await h.settle();
    expect(h.steps.started).toBe(1);
    h.clock.advance(1);
    await h.settle();
    expect(h.steps.started).toBe(2);
    expect(h.strategy.state).toBe("running");
  });

  it("status reports step, last_step_ms, uptime_s and next_step_at while sleeping", async () => {
    h = await harness();
    await toSleep(h);
    const t = h.clock.now();
    const status = resultOf(await h.send("status"));
    expect(status).toEqual({
      state: "sleeping",
      step: 1,
      last_step_ms: STEP_MS,
      uptime_s: 1,
      next_step_at: t + INTERVAL_MS,
      paused: false,
      step_errors: 0,
    });
  });

  it("status has no next_step_at while a step runs, and last_step_ms null before the first ends", async () => {
    h = await harness();
    expect(resultOf(await h.send("status"))).toMatchObject({ state: "running", step: 1, last_step_ms: null });
    expect(resultOf(await h.send("status"))).not.toHaveProperty("next_step_at");
  });

  it("ping answers while a step runs and while sleeping", async () => {
    h = await harness();
    expect(resultOf(await h.send("ping"))).toEqual({ state: "running" });
    await toSleep(h);
    expect(resultOf(await h.send("ping"))).toEqual({ state: "sleeping" });
  });
});

describe("heartbeat", () => {
  it("publishes state, pid, uptime_s, interval_ms and seq every heartbeatMs, to *", async () => {
    h = await harness();
    await toSleep(h);
    h.clock.advance(HEARTBEAT_MS * 3);
    await h.settle();
    const beats = h.messages.filter((m) => m.command_type === "heartbeat");
    expect(beats.map((b) => b.payload.seq)).toEqual([1, 2, 3, 4]);
    expect(beats.every((b) => b.target_id === "*")).toBe(true);
    expect(beats[0]?.payload).toEqual({
      state: "starting",
      pid: 4242,
      uptime_s: 0,
      interval_ms: HEARTBEAT_MS,
      seq: 1,
    });
    expect(beats[3]?.payload).toMatchObject({ state: "sleeping", uptime_s: 15 });
  });
});

describe("pause / resume / wake", () => {
  it("pause ends the sleep and stops scheduling; heartbeats go on; resume steps at once", async () => {
    h = await harness();
    await toSleep(h);
    expect(resultOf(await h.send("pause"))).toEqual({ state: "paused" });
    await h.settle();
    expect(h.clock.pendingTimers).toBe(1); // only the heartbeat: the sleep's timer is gone
    const beatsBefore = h.messages.filter((m) => m.command_type === "heartbeat").length;
    h.clock.advance(INTERVAL_MS * 3);
    await h.settle();
    expect(h.steps.started).toBe(1);
    const beats = h.messages.filter((m) => m.command_type === "heartbeat");
    expect(beats.length).toBeGreaterThan(beatsBefore);
    expect(beats.at(-1)?.payload.state).toBe("paused");
    expect(resultOf(await h.send("status"))).toMatchObject({ state: "paused", paused: true });
    expect(resultOf(await h.send("resume"))).toEqual({ state: "running" });
    await h.settle();
    expect(h.steps.started).toBe(2);
    expect(h.strategy.state).toBe("running");
  });

  it("pause during a step lets the step finish and then waits", async () => {
    h = await harness();
    expect(resultOf(await h.send("pause"))).toEqual({ state: "running" });
    h.clock.advance(STEP_MS);
    await h.settle();
    expect(h.steps.finished).toBe(1);
    expect(h.strategy.state).toBe("paused");
    h.clock.advance(INTERVAL_MS * 2);
    await h.settle();
    expect(h.steps.started).toBe(1);
  });

  it("wake ends the sleep: the next step starts now", async () => {
    h = await harness();
    await toSleep(h);
    await h.send("wake");
    await h.settle();
    expect(h.steps.started).toBe(2);
    expect(h.strategy.state).toBe("running");
    expect(h.clock.pendingTimers).toBe(2); // heartbeat + the step's delay: the old sleep timer is cleared
  });

  it("wake during a step skips the sleep after it", async () => {
    h = await harness();
    expect(resultOf(await h.send("wake"))).toEqual({ state: "running" });
    h.clock.advance(STEP_MS);
    await h.settle();
    expect(h.steps.started).toBe(2);
  });

  it("wake while paused changes nothing", async () => {
    h = await harness();
    await toSleep(h);
    await h.send("pause");
    expect(resultOf(await h.send("wake"))).toEqual({ state: "paused" });
    await h.settle();
    expect(h.steps.started).toBe(1);
  });
});

describe("finish_and_exit", () => {
  it("during a sleep: accepted → stopped → ok, exit code 0, nothing left behind", async () => {
    h = await harness();
    await toSleep(h);
    const r = await h.send("finish_and_exit");
    expect(await h.strategy.done).toBe(0);
    expect(h.events.filter((e) => !e.includes("heartbeat"))).toEqual([
      "reply:finish_and_exit:accepted",
      "event:stopped",
      "reply:finish_and_exit:ok",
    ]);
    expect(resultOf(r)).toEqual({ state: "stopping", reason: "finish_and_exit", exit_code: 0 });
    expect(h.messages.find((m) => m.command_type === "stopped")?.payload).toEqual({
      reason: "finish_and_exit",
      exit_code: 0,
    });
    expect(h.steps.started).toBe(1);
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.proc.hookCount()).toBe(0);
    expect(h.proc.exitCode).toBe(0);
    expect(h.proc.exits).toEqual([]);
    expect(h.strategy.ipc.started).toBe(false);
  });

  it("during a step: the step completes, no further step, then ok", async () => {
    h = await harness();
    const pending = h.send("finish_and_exit");
    await h.settle();
    expect(h.events).toContain("reply:finish_and_exit:accepted");
    expect(h.events).not.toContain("event:stopped");
    expect(h.strategy.state).toBe("stopping");
    h.clock.advance(STEP_MS);
    const r = await pending;
    expect(statusOf(r)).toBe("ok");
    expect(await h.strategy.done).toBe(0);
    expect(h.steps).toMatchObject({ started: 1, finished: 1, aborted: 0 });
    expect(h.steps.signals[0]?.aborted).toBe(false);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("while paused ends the paused wait", async () => {
    h = await harness();
    await toSleep(h);
    await h.send("pause");
    await h.send("finish_and_exit");
    expect(await h.strategy.done).toBe(0);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("pause, resume and wake after it get an error reply", async () => {
    h = await harness();
    const pending = h.send("finish_and_exit");
    await h.settle();
    for (const type of ["pause", "resume", "wake"]) {
      const r = await h.send(type);
      expect(statusOf(r)).toBe("error");
      expect(r.terminal.get("mm1")?.error).toMatch(/stopping/);
    }
    expect(resultOf(await h.send("ping"))).toEqual({ state: "stopping" });
    h.clock.advance(STEP_MS);
    await pending;
  });
});

describe("exit_now", () => {
  it("aborts the running step through its AbortSignal: accepted → stopped → ok", async () => {
    h = await harness();
    const r = await h.send("exit_now");
    expect(statusOf(r)).toBe("ok");
    expect(resultOf(r)).toEqual({ state: "stopping", reason: "exit_now", exit_code: 0 });
    expect(await h.strategy.done).toBe(0);
    expect(h.steps).toMatchObject({ started: 1, finished: 0, aborted: 1 });
    expect(h.steps.signals[0]?.aborted).toBe(true);
    expect(h.events.filter((e) => !e.includes("heartbeat"))).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("a step that ignores its signal is abandoned after the grace period and reported", async () => {
    let finishedLate = false;
    h = await harness(
      {
        step: async (ctx) => {
          await new Promise<void>((resolve) => ctx.clock.setTimeout(resolve, 10 * 60_000)); // ignores ctx.signal
          finishedLate = true;
        },
      },
      { abortGraceMs: 3000 },
    );
    const pending = h.send("exit_now");
    await h.settle();
    expect(h.events).toEqual(expect.arrayContaining(["reply:exit_now:accepted"]));
    expect(h.events).not.toContain("event:stopped");
    h.clock.advance(2999);
    await h.settle();
    expect(h.events).not.toContain("event:stopped");
    h.clock.advance(1);
    const r = await pending;
    expect(resultOf(r)).toMatchObject({ reason: "exit_now", exit_code: 0, step_abandoned: true });
    expect(h.messages.find((m) => m.command_type === "stopped")?.payload).toMatchObject({
      reason: "exit_now",
      step_abandoned: true,
      detail: expect.stringContaining("abandoned after 3000 ms"),
    });
    expect(await h.strategy.done).toBe(0);
    expect(finishedLate).toBe(false);
    await until(() => h?.proc.exits.length === 1, 2000, "forced exit");
    expect(h.proc.exits).toEqual([0]);
  });

  it("after finish_and_exit it escalates: the running step is aborted", async () => {
    h = await harness();
    const finish = h.send("finish_and_exit");
    await h.settle();
    const now = await h.send("exit_now");
    expect(statusOf(now)).toBe("ok");
    expect(statusOf(await finish)).toBe("ok");
    expect(h.steps.aborted).toBe(1);
    expect(h.messages.filter((m) => m.command_type === "stopped")).toHaveLength(1);
  });
});

describe("exit is idempotent", () => {
  it("two finish_and_exit with different ids: both answered, one stopped, one exit", async () => {
    h = await harness();
    await toSleep(h);
    const [a, b] = await Promise.all([h.send("finish_and_exit"), h.send("finish_and_exit")]);
    expect([statusOf(a), statusOf(b)]).toEqual(["ok", "ok"]);
    expect(await h.strategy.done).toBe(0);
    expect(h.messages.filter((m) => m.command_type === "stopped")).toHaveLength(1);
  });

  it("the same command id twice executes once", async () => {
    h = await harness();
    await toSleep(h);
    const command = {
      command_id: "cli_1_1",
      sender_id: "cli",
      target_id: "mm1",
      command_type: "finish_and_exit",
      payload: {},
      timestamp: 1,
    };
    await h.cli.transport.publish(encodeFrame(command));
    await h.cli.transport.publish(encodeFrame(command));
    expect(await h.strategy.done).toBe(0);
    await h.settle();
    expect(h.messages.filter((m) => m.command_type === "stopped")).toHaveLength(1);
    expect(h.strategy.ipc.seen.size).toBe(1);
  });
});

describe("signals", () => {
  it("SIGTERM takes the finish_and_exit path: the step finishes, stopped { reason: SIGTERM }", async () => {
    h = await harness();
    h.proc.emit("SIGTERM");
    await h.settle();
    expect(h.strategy.state).toBe("stopping");
    h.clock.advance(STEP_MS);
    expect(await h.strategy.done).toBe(0);
    await h.settle();
    expect(h.steps).toMatchObject({ finished: 1, aborted: 0 });
    expect(h.messages.find((m) => m.command_type === "stopped")?.payload).toEqual({
      reason: "SIGTERM",
      exit_code: 0,
    });
    expect(h.proc.hookCount()).toBe(0);
  });

  it("a second SIGINT aborts the running step", async () => {
    h = await harness();
    h.proc.emit("SIGINT");
    h.proc.emit("SIGINT");
    expect(await h.strategy.done).toBe(0);
    expect(h.steps.aborted).toBe(1);
  });
});

describe("crash", () => {
  it("a throwing step publishes crash { error, stack } and exits 1", async () => {
    h = await harness({
      step: () => {
        throw new Error("exchange said no");
      },
    });
    expect(await h.strategy.done).toBe(1);
    await h.settle();
    const crash = h.messages.find((m) => m.command_type === "crash");
    expect(crash?.payload).toMatchObject({ error: "exchange said no", during: "step" });
    expect(crash?.payload.stack).toContain("exchange said no");
    expect(h.messages.some((m) => m.command_type === "stopped")).toBe(false);
    expect(h.proc.exitCode).toBe(1);
    expect(h.proc.exits).toEqual([]); // a throwing step leaves nothing running: no forced exit
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("onStepError retry logs, counts and tries again next interval", async () => {
    let n = 0;
    h = await harness({
      onStepError: "retry",
      step: () => {
        n++;
        if (n === 1) throw new Error("flaky");
      },
    });
    await h.settle();
    expect(h.strategy.state).toBe("sleeping");
    h.clock.advance(INTERVAL_MS);
    await h.settle();
    expect(n).toBe(2);
    expect(resultOf(await h.send("status"))).toMatchObject({ step: 2, step_errors: 1 });
  });

  it("an uncaught exception publishes crash, exits 1 and forces the exit", async () => {
    h = await harness();
    h.proc.emit("uncaughtException", new Error("boom"));
    expect(await h.strategy.done).toBe(1);
    await h.settle();
    expect(h.messages.find((m) => m.command_type === "crash")?.payload).toMatchObject({
      error: "boom",
      during: "uncaught",
    });
    expect(h.steps.aborted).toBe(1);
    await until(() => h?.proc.exits.length === 1, 2000, "forced exit");
    expect(h.proc.exits).toEqual([1]);
  });

  it("a finish_and_exit waiting on a step that crashes gets an error reply", async () => {
    h = await harness({
      step: async (ctx) => {
        await ctx.delay(STEP_MS);
        throw new Error("late failure");
      },
    });
    const pending = h.send("finish_and_exit");
    await h.settle();
    h.clock.advance(STEP_MS);
    const r = await pending;
    expect(statusOf(r)).toBe("error");
    expect(r.terminal.get("mm1")?.error).toMatch(/late failure/);
    expect(await h.strategy.done).toBe(1);
  });
});

describe("custom handlers and options", () => {
  it("runs custom command types with the strategy in their context", async () => {
    h = await harness({
      handlers: { set_spread: (cmd, ctx) => ({ bps: cmd.payload.bps, state: ctx.strategy.state }) },
    });
    expect(resultOf(await h.send("set_spread", { bps: 4 }))).toEqual({ bps: 4, state: "running" });
  });

  it("answers an unknown unicast type with an error naming it", async () => {
    h = await harness();
    const r = await h.send("frobnicate");
    expect(r.terminal.get("mm1")?.error).toMatch(/frobnicate/);
  });

  it("refuses a custom handler for a built-in type, and an invalid id", () => {
    const step = () => {};
    expect(() =>
      runStrategy({ id: "mm1", intervalMs: 1, step, handlers: { ping: () => ({}) } }, { process: false }),
    ).toThrow(expect.objectContaining({ code: "RESERVED_COMMAND" }));
    expect(() => runStrategy({ id: "mm.1", intervalMs: 1, step }, { process: false })).toThrow(StrategyError);
    expect(() => runStrategy({ id: "mm1", intervalMs: -1, step }, { process: false })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTIONS" }),
    );
  });

  it("stop() is the programmatic finish path and is idempotent", async () => {
    h = await harness();
    const a = h.strategy.stop("maintenance");
    const b = h.strategy.stop("again");
    h.clock.advance(STEP_MS);
    expect(await a).toBe(0);
    expect(await b).toBe(0);
    await h.settle();
    expect(h.messages.filter((m) => m.command_type === "stopped").map((m) => m.payload.reason)).toEqual([
      "maintenance",
    ]);
  });
});

describe("start failure", () => {
  it("resolves started false and done 1 when the publisher cannot be bound", async () => {
    const { MemoryHub, MemoryTransport } = await import("../../src/ipc/index.ts");
    const transport = new MemoryTransport(new MemoryHub(), "mm1");
    await transport.close(); // a closed transport refuses to start
    const s = runStrategy({ id: "mm1", intervalMs: 1000, step: () => {} }, { transport, process: false });
    expect(await s.started).toBe(false);
    expect(await s.done).toBe(1);
    expect(s.state).toBe("stopping");
  });
});
