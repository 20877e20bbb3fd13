import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;

describe("progress message", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("one line per target: ok, error, not connected", async () => {
    h = await createHarness({ operators: [OP], replyTimeoutMs: 3000 });
    await h.addStrategy("mm1");
    await h.addStrategy("mm2", {
      finish_and_exit: () => {
        throw new Error("position still open");
      },
    });
    await h.send(OP, "/exit mm1 mm2 ghost");
    await h.press(OP, "Confirm");
    const done = await h.waitForMessage(/^exit → mm1, mm2, ghost\n/, { timeoutMs: 8000 });
    await h.idle();
    const lines = done.text.split("\n");
    expect(lines[0]).toBe("exit → mm1, mm2, ghost");
    expect(lines[1]).toMatch(/^mm1: ok, .* — exited after finishing its step$/);
    expect(lines[2]).toBe("mm2: error — position still open");
    expect(lines[3]).toBe("ghost: not connected");
    expect(done.history[0]).toMatch(/^Confirm \/exit mm1 mm2 ghost\?/);
    expect(done.history[1]).toBe("exit → mm1, mm2, ghost …\nmm1: …\nmm2: …\nghost: …");
  });

  it("says when a process accepted but never answered within the reply timeout", async () => {
    h = await createHarness({ operators: [OP], replyTimeoutMs: 400 });
    // The real finish_and_exit accepts, then waits for the step, which never finishes; status is
    // scripted to never answer.
    await h.addStrategy(
      "mm1",
      { status: () => new Promise(() => {}) },
      { step: (ctx) => ctx.delay(Number.POSITIVE_INFINITY) },
    );
    await h.send(OP, "/exit mm1");
    await h.waitForMessage(/^exit → mm1\nmm1: accepted, then no reply within 0\.4 s$/);
    await h.send(OP, "/status mm1");
    await h.waitForMessage(/^status → mm1\nmm1: no reply within 0\.4 s$/m);
  });

  it("a broadcast lists the present processes and throttles its edits", async () => {
    h = await createHarness({ operators: [OP], editIntervalMs: 1000 });
    const ids = Array.from({ length: 50 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    for (const id of ids) await h.addStrategy(id);
    await h.send(OP, "/ping *");
    const done = await h.waitForMessage(/^ping → \*\n/, { timeoutMs: 10_000 });
    const lines = done.text.split("\n").slice(1);
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(line).toMatch(/^s\d\d: ok, .* — sleeping$/);
    // 50 replies, but one send and a handful of edits (about one per second).
    expect(done.history.length).toBeLessThanOrEqual(4);
  });

  it("a group target with nobody present says so", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/ping zz*");
    await h.waitForMessage(/^ping → zz\*\nzz\*: no connected process matches$/);
  });
});
