import { afterEach, expect, it } from "vitest";
import { until } from "../helpers.ts";
import { describePython, PYTHON } from "../python.ts";
import { type ChildRun, spawnChild, statusUntil } from "./child.ts";

const ID = "pymm1";

let run: ChildRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

const python = (...flags: string[]) =>
  spawnChild([PYTHON, "examples/python/strategy.py", ID, "--step-ms", "0", ...flags], ID);

describePython("examples/python/strategy.py", () => {
  it("answers ping and status, and finish_and_exit with accepted → stopped → ok, exit 0", async () => {
    run = await python("--interval-ms", "600000", "--heartbeat-ms", "200");
    const status = await statusUntil(run, (s) => s.state === "sleeping", 20_000, ID);
    expect(status).toMatchObject({ state: "sleeping", step: 1, last_step_ms: expect.any(Number) });
    expect(typeof status.next_step_at).toBe("number");
    const current = run;
    await until(() => current.messages.some((m) => m.command_type === "heartbeat"), 20_000, "a heartbeat");
    const ping = await run.send("ping");
    expect(ping.terminal.get(ID)).toMatchObject({ status: "ok", result: { state: "sleeping" } });
    const r = await run.send("finish_and_exit");
    expect(r.terminal.get(ID)?.result).toMatchObject({
      state: "stopping",
      reason: "finish_and_exit",
      exit_code: 0,
    });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:ping:ok",
      "reply:finish_and_exit:accepted",
      "event:stopped",
      "reply:finish_and_exit:ok",
    ]);
    const beat = run.messages.find((m) => m.command_type === "heartbeat");
    expect(beat?.payload).toMatchObject({ pid: run.child.pid, interval_ms: 200, seq: expect.any(Number) });
  });

  it("pause, wake, resume, an unknown type, and exit_now while sleeping", async () => {
    run = await python("--interval-ms", "600000");
    await statusUntil(run, (s) => s.state === "sleeping", 20_000, ID);
    expect((await run.send("pause")).terminal.get(ID)?.result).toEqual({ state: "paused" });
    expect((await run.send("wake")).terminal.get(ID)?.result).toEqual({ state: "paused" });
    expect((await run.send("resume")).terminal.get(ID)?.result).toEqual({ state: "running" });
    await statusUntil(run, (s) => s.step === 2 && s.state === "sleeping", 20_000, ID);
    const unknown = await run.send("frobnicate");
    expect(unknown.terminal.get(ID)?.error).toMatch(/frobnicate/);
    const r = await run.send("exit_now");
    expect(r.terminal.get(ID)?.result).toMatchObject({ reason: "exit_now", exit_code: 0 });
    expect(await run.exit).toBe(0);
  });

  it("exit_now cancels a running step", async () => {
    run = await python("--step-ms", "600000");
    await statusUntil(run, (s) => s.state === "running", 20_000, ID);
    const r = await run.send("exit_now");
    expect(r.terminal.get(ID)?.result).toMatchObject({ reason: "exit_now", exit_code: 0 });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
  });
});
