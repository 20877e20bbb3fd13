/**
 * Order of a planned exit: the IPC events are compared in arrival order (one socket, so the order the
 * child published them); the exit code is awaited after the ok reply, which a dead process could not
 * have sent. (The child's `exit` event is not put in the same list: the cli may read a frame that
 * arrived before the exit after it, when the test process is descheduled.)
 *
 * The strategy as a real child process (`missionctl strategy mm1 ...`) over ZeroMQ ipc, driven by a
 * `cli` command system. Assertions are on the ORDER of events and on exit codes, never on wall-clock
 * bounds, so a busy machine passes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/ipc/index.ts";
import { type ChildRun, spawnStrategy, statusUntil } from "./child.ts";

const CLI = "src/cli.ts";
const FIXTURE = "test/fixtures/strategy-fixture.ts";
let run: ChildRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const strategy = (...flags: string[]) => spawnStrategy(CLI, ["strategy", "mm1", ...flags]);
const payloadOf = (r: ChildRun, type: string) => r.messages.find((m) => m.command_type === type)?.payload;

describe("missionctl strategy (child process over ipc)", () => {
  it("finish_and_exit during a long sleep: accepted → stopped → ok → exit 0", async () => {
    run = await strategy("--step-ms", "0", "--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "sleeping");
    const r = await run.send("finish_and_exit");
    expect(r.terminal.get("mm1")?.result).toEqual({
      state: "stopping",
      reason: "finish_and_exit",
      exit_code: 0,
    });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:finish_and_exit:accepted",
      "event:stopped",
      "reply:finish_and_exit:ok",
    ]);
    expect(payloadOf(run, "stopped")).toEqual({ reason: "finish_and_exit", exit_code: 0 });
  });

  it("finish_and_exit during a step lets the step complete, with no further step", async () => {
    run = await strategy("--step-ms", "3000", "--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "sleeping");
    const woken = await run.send("wake");
    expect(woken.terminal.get("mm1")?.result).toEqual({ state: "running" });
    const r = await run.send("finish_and_exit");
    expect(r.terminal.get("mm1")?.status).toBe("ok");
    expect(await run.exit).toBe(0);
    const log = run.logMessages().filter((m) => /^step (started|finished|aborted)$|^stop requested$/.test(m));
    // step 1; step 2 (woken); the stop arrives while step 2 runs; step 2 finishes; nothing after.
    expect(log).toEqual(["step started", "step finished", "step started", "stop requested", "step finished"]);
  });

  it("exit_now aborts the running step through its AbortSignal", async () => {
    run = await strategy("--step-ms", "600000", "--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "running");
    const r = await run.send("exit_now");
    expect(r.terminal.get("mm1")?.result).toEqual({ state: "stopping", reason: "exit_now", exit_code: 0 });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
    expect(run.logMessages()).toContain("step aborted");
    expect(run.logMessages()).not.toContain("step finished");
  });

  it("pause, resume and wake change the schedule; heartbeats go on while paused", async () => {
    run = await strategy("--step-ms", "0", "--interval-ms", "600000", "--heartbeat-ms", "200");
    const first = await statusUntil(run, (s) => s.state === "sleeping");
    expect(first).toMatchObject({ step: 1 });
    expect(typeof first.next_step_at).toBe("number");
    await run.send("wake");
    await statusUntil(run, (s) => s.step === 2 && s.state === "sleeping");
    const paused = await run.send("pause");
    expect(paused.terminal.get("mm1")?.result).toEqual({ state: "paused" });
    const beats = run.messages.filter((m) => m.command_type === "heartbeat").length;
    await run.send("wake"); // no effect while paused
    const still = await statusUntil(
      run,
      () =>
        run !== undefined && run.messages.filter((m) => m.command_type === "heartbeat").length >= beats + 2,
    );
    expect(still).toMatchObject({ state: "paused", step: 2, paused: true });
    expect(still).not.toHaveProperty("next_step_at");
    expect(run.messages.filter((m) => m.command_type === "heartbeat").at(-1)?.payload.state).toBe("paused");
    const resumed = await run.send("resume");
    expect(resumed.terminal.get("mm1")?.result).toEqual({ state: "running" });
    await statusUntil(run, (s) => s.step === 3 && s.state === "sleeping");
    expect(run.messages.find((m) => m.command_type === "heartbeat")?.payload).toMatchObject({
      pid: run.child.pid,
      interval_ms: 200,
    });
  });

  it("SIGTERM takes the finish path: stopped { reason: SIGTERM }, exit 0", async () => {
    run = await strategy("--step-ms", "0", "--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "sleeping");
    run.child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
    expect(payloadOf(run, "stopped")).toEqual({ reason: "SIGTERM", exit_code: 0 });
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual(["event:stopped"]);
  });

  it("duplicate command ids never double-exit", async () => {
    run = await strategy("--step-ms", "1500", "--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "sleeping");
    await run.send("wake");
    const current = run;
    const r = await run.send("finish_and_exit", {}, (command) => {
      // The same frame three more times, on top of the request's own re-sends.
      for (let i = 0; i < 3; i++) void current.cli.transport.publish(encodeFrame(command));
    });
    expect(r.terminal.get("mm1")?.status).toBe("ok");
    expect(await run.exit).toBe(0);
    expect(run.messages.filter((m) => m.command_type === "stopped")).toHaveLength(1);
    expect(run.logMessages().filter((m) => m === "stop requested")).toHaveLength(1);
    expect(run.logMessages().filter((m) => m === "strategy stopping")).toHaveLength(1);
  });

  it("bad usage exits 2 with a clear message", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = spawnSync(process.execPath, ["--import", "tsx", CLI, "strategy", "mm.1"], {
      encoding: "utf8",
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/invalid id "mm\.1"/);
  });
});

describe("strategy fixture processes (misbehaving steps)", () => {
  it("a step that throws publishes crash and exits non-zero", async () => {
    run = await spawnStrategy(FIXTURE, ["mm1", "throw"]);
    await statusUntil(run, (s) => s.state === "sleeping");
    await run.send("wake");
    expect(await run.exit).toBe(1);
    expect(payloadOf(run, "crash")).toMatchObject({ error: "step failed on purpose", during: "step" });
    expect(String(payloadOf(run, "crash")?.stack)).toContain("strategy-fixture.ts");
    expect(run.events).not.toContain("event:stopped");
    expect(run.events).toContain("event:crash");
  });

  it("an uncaught exception publishes crash and exits 1 although runaway timers remain", async () => {
    run = await spawnStrategy(FIXTURE, ["mm1", "uncaught"]);
    await statusUntil(run, (s) => s.state === "sleeping");
    await run.send("wake");
    expect(await run.exit).toBe(1);
    expect(payloadOf(run, "crash")).toMatchObject({ error: "uncaught in a timer", during: "uncaught" });
  });

  it("exit_now on a step that ignores its signal: accepted at once, abandoned after the grace, exit 0", async () => {
    run = await spawnStrategy(FIXTURE, ["mm1", "stubborn"]);
    await statusUntil(run, (s) => s.state === "sleeping");
    await run.send("wake");
    await statusUntil(run, (s) => s.state === "running");
    const r = await run.send("exit_now");
    expect(r.terminal.get("mm1")?.result).toMatchObject({
      reason: "exit_now",
      exit_code: 0,
      step_abandoned: true,
    });
    expect(payloadOf(run, "stopped")).toMatchObject({ reason: "exit_now", step_abandoned: true });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:") && !e.startsWith("reply:wake"))).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
  });
});

describe("examples/strategy.ts", () => {
  it("runs: a custom command answers, finish_and_exit ends it with exit 0", async () => {
    run = await spawnStrategy("examples/strategy.ts", ["mm1"]);
    await statusUntil(run, (s) => s.state === "sleeping");
    expect((await run.send("quotes")).terminal.get("mm1")?.result).toEqual({ quotes: 1 });
    expect((await run.send("finish_and_exit")).terminal.get("mm1")?.status).toBe("ok");
    expect(await run.exit).toBe(0);
    expect(payloadOf(run, "stopped")).toEqual({ reason: "finish_and_exit", exit_code: 0 });
  });
});
