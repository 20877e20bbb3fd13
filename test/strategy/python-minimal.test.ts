import { afterEach, expect, it } from "vitest";
import { until } from "../helpers.ts";
import { describePython, PYTHON } from "../python.ts";
import { type ChildRun, spawnChild, statusUntil } from "./child.ts";

const ID = "pymin1";

let run: ChildRun | undefined;
afterEach(async () => {
  await run?.cleanup();
  run = undefined;
});

describePython("examples/python/minimal.py (README, docs/python.md)", () => {
  it("answers ping, status, pause, an unknown type, and exits in order accepted → stopped → ok", async () => {
    run = await spawnChild([PYTHON, "examples/python/minimal.py", ID], ID);
    const status = await statusUntil(run, (s) => s.state === "sleeping" && s.step === 1, 20_000, ID);
    expect(status).toMatchObject({ state: "sleeping", step: 1 });
    expect((await run.send("ping")).terminal.get(ID)?.result).toEqual({ state: "sleeping" });
    expect((await run.send("pause")).terminal.get(ID)?.result).toEqual({ state: "paused" });
    expect((await run.send("frobnicate")).terminal.get(ID)?.error).toMatch(/frobnicate/);
    const current = run;
    const beat = () => current.messages.find((m) => m.command_type === "heartbeat");
    await until(() => beat() !== undefined, 20_000, "a heartbeat");
    expect(beat()?.payload).toMatchObject({ state: "paused", pid: run.child.pid, interval_ms: 5000 });
    const r = await run.send("finish_and_exit");
    expect(r.ok).toBe(true);
    expect(await run.exit).toBe(0);
    const order = run.events.filter((e) => /finish_and_exit|stopped/.test(e));
    expect(order).toEqual(["reply:finish_and_exit:accepted", "event:stopped", "reply:finish_and_exit:ok"]);
  });
});
