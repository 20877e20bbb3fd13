/**
 * examples/python/strategy.py, the docs' fuller Python strategy on the missionctl package: its custom
 * command with validation, its own broadcast event, and exit_now ending a quoting round mid-way.
 */
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

const python = (...flags: string[]) => spawnChild([PYTHON, "examples/python/strategy.py", ID, ...flags], ID);

describePython("examples/python/strategy.py", () => {
  it("set_spread answers ok with the new value and refuses a bad one; each round broadcasts quotes", async () => {
    run = await python("--interval-s", "600", "--step-s", "0");
    await statusUntil(run, (s) => s.state === "sleeping" && s.step === 1, 20_000, ID);
    // Step 1 ran before we were connected: its broadcast left before anyone listened. Wake for step 2.
    const current = run;
    const quotes = () => current.messages.filter((m) => m.command_type === "quotes").map((m) => m.payload);
    expect((await run.send("wake")).ok).toBe(true);
    await until(() => quotes().length === 1, 20_000, "a quotes event");
    expect(quotes()).toEqual([{ spread_bps: 5, sent: 8 }]);

    const set = await run.send("set_spread", { bps: 7 });
    expect(set.terminal.get(ID)).toMatchObject({ status: "ok", result: { spread_bps: 7, previous: 5 } });
    for (const bps of [0, 501, 2.5, "7", true]) {
      const bad = await run.send("set_spread", { bps });
      expect(bad.terminal.get(ID)).toMatchObject({
        status: "error",
        error: expect.stringMatching(/bps must be/),
      });
    }
    expect((await run.send("wake")).ok).toBe(true);
    await until(() => quotes().length === 2, 20_000, "a second quotes event");
    expect(quotes()[1]).toEqual({ spread_bps: 7, sent: 12 });

    const r = await run.send("finish_and_exit");
    expect(r.terminal.get(ID)?.result).toMatchObject({ reason: "finish_and_exit", exit_code: 0 });
    expect(await run.exit).toBe(0);
  });

  it("exit_now ends a long quoting round at once: accepted → stopped → ok, exit 0", async () => {
    run = await python("--step-s", "600");
    await statusUntil(run, (s) => s.state === "running", 20_000, ID);
    const r = await run.send("exit_now");
    expect(r.terminal.get(ID)?.result).toMatchObject({ reason: "exit_now", exit_code: 0 });
    expect(await run.exit).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:") && e !== "event:quotes")).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
    expect(run.messages.some((m) => m.command_type === "quotes")).toBe(false);
  });
});
