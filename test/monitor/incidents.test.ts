import { afterEach, describe, expect, it } from "vitest";
import { type MonitorHarness, monitorHarness, T0 } from "./harness.ts";

const MIN = 60_000;
let h: MonitorHarness;

afterEach(async () => {
  await h.close();
  expect(h.clock.pendingTimers).toBe(0);
});

/** Kills mm1 and lets the settle window pass. */
async function die(): Promise<void> {
  await h.kill("mm1");
  await h.advance(300);
}

describe("repeats", () => {
  it("repeats an unresolved alert every alertRepeatMs and counts the alerts", async () => {
    h = await monitorHarness({ alertRepeatMs: 30 * MIN });
    h.monitor.start();
    await h.launch("mm1");
    await die();
    await h.advance(30 * MIN - 1);
    expect(h.lines).toHaveLength(1);
    await h.advance(1);
    expect(h.lines[1]).toEqual({
      type: "alert",
      processId: "mm1",
      kind: "disconnected",
      text: "🔴 mm1 disconnected (no stopped notice) — ongoing for 30 min",
      repeat: true,
    });
    await h.advance(30 * MIN);
    expect(h.texts()[2]).toBe("🔴 mm1 disconnected (no stopped notice) — ongoing for 60 min");
    expect(h.monitor.incidents()).toMatchObject([{ id: "mm1", kind: "disconnected", alerts: 3 }]);
    await h.launch("mm1");
    await h.advance(120 * MIN);
    expect(h.texts()).toHaveLength(4);
    expect(h.texts()[3]).toBe("🟢 mm1 resolved: connected again");
  });

  it("does not repeat while muted, and tracks the incident all the same", async () => {
    h = await monitorHarness({ alertRepeatMs: 30 * MIN });
    h.monitor.start();
    await h.launch("mm1");
    await die();
    h.monitor.mute("mm*", 120 * MIN, "alice");
    await h.advance(90 * MIN);
    expect(h.texts()).toEqual(["🔴 mm1 disconnected (no stopped notice)"]);
    expect(h.monitor.incidents()).toMatchObject([{ id: "mm1", alerts: 1, muted: true }]);
    // The mute ends at 120 min; the next repeat tick (at 120 min after the alert) is unmuted.
    await h.advance(31 * MIN);
    expect(h.texts().slice(1)).toEqual([
      "🔔 mute of mm* expired; alerts for it are on again",
      "🔴 mm1 disconnected (no stopped notice) — ongoing for 2 h",
    ]);
  });
});

describe("mutes", () => {
  it("suppresses the alerts of a muted process but still tracks its incident; no resolved for a silent one", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    h.monitor.mute("mm1", 10 * MIN);
    await h.beat("mm1");
    await h.publish("mm1", "crash", { error: "Error: boom" });
    expect(h.lines).toEqual([]);
    expect(h.monitor.incidents()).toEqual([
      { id: "mm1", kind: "crashed", since: T0, detail: "Error: boom", alerts: 0, muted: true },
    ]);
    await h.kill("mm1");
    await h.launch("mm1");
    expect(h.lines).toEqual([]); // nobody was told about it, so nobody is told it ended
    expect(h.monitor.incidents()).toEqual([]);
  });

  it("announces an incident that is still open when its mute expires", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    h.monitor.mute("mm1", 10 * MIN);
    await die();
    expect(h.lines).toEqual([]);
    await h.advance(10 * MIN);
    expect(h.lines).toEqual([
      { type: "info", processId: "mm1", text: "🔔 mute of mm1 expired; alerts for it are on again" },
      {
        type: "alert",
        processId: "mm1",
        kind: "disconnected",
        text: "🔴 mm1 disconnected (no stopped notice)",
        repeat: false,
      },
    ]);
    expect(h.monitor.mutes()).toEqual([]);
    expect(h.view("mm1")?.mutedUntil).toBeUndefined();
  });

  it("lists mutes with expiry, covers `*` and `prefix*`, unmutes exactly the given target", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.launch("xy1");
    expect(h.monitor.mute("mm*", 30 * MIN, "alice")).toEqual({
      target: "mm*",
      until: T0 + 30 * MIN,
      by: "alice",
    });
    h.monitor.mute("*", 5 * MIN);
    expect(h.monitor.mutes()).toEqual([
      { target: "*", until: T0 + 5 * MIN },
      { target: "mm*", until: T0 + 30 * MIN, by: "alice" },
    ]);
    expect(h.view("mm1")?.mutedUntil).toBe(T0 + 30 * MIN);
    expect(h.view("xy1")?.mutedUntil).toBe(T0 + 5 * MIN);
    expect(h.monitor.unmute("mm1")).toBe(0);
    expect(h.monitor.unmute("*")).toBe(1);
    expect(h.view("xy1")?.mutedUntil).toBeUndefined();
    await h.kill("xy1");
    await h.advance(300);
    expect(h.texts()).toEqual(["🔴 xy1 disconnected (no stopped notice)"]);
  });

  it("muting again replaces the expiry", async () => {
    h = await monitorHarness();
    h.monitor.mute("mm1", 10 * MIN);
    h.monitor.mute("mm1", 60 * MIN);
    await h.advance(30 * MIN);
    expect(h.monitor.mutes()).toEqual([{ target: "mm1", until: T0 + 60 * MIN }]);
    expect(h.lines).toEqual([]);
  });

  it("refuses a bad target or duration with a typed error", async () => {
    h = await monitorHarness();
    expect(() => h.monitor.mute("mm 1", MIN)).toThrow(expect.objectContaining({ code: "INVALID_TARGET" }));
    expect(() => h.monitor.mute("m*m", MIN)).toThrow(expect.objectContaining({ code: "INVALID_TARGET" }));
    expect(() => h.monitor.mute("mm1", 0)).toThrow(expect.objectContaining({ code: "INVALID_DURATION" }));
    expect(() => h.monitor.mute("mm1", Number.NaN)).toThrow(
      expect.objectContaining({ name: "MonitorError" }),
    );
  });
});

describe("flapping", () => {
  it("folds the third incident within the window into one summary, then resolves once stable", async () => {
    h = await monitorHarness({ flapWindowMs: MIN });
    h.monitor.start();
    for (let i = 0; i < 6; i++) {
      await h.launch("mm1");
      await h.advance(5000);
      await die();
      await h.advance(5000);
    }
    await h.launch("mm1");
    expect(h.texts()).toEqual([
      "🔴 mm1 disconnected (no stopped notice)",
      "🟢 mm1 resolved: connected again",
      "🔴 mm1 disconnected (no stopped notice)",
      "🟢 mm1 resolved: connected again",
      "🟠 mm1 disconnected (flapping: 3 incidents within 60 s; further changes folded until stable for 60 s)",
    ]);
    expect(h.lines[4]).toMatchObject({ type: "alert", kind: "disconnected", repeat: false });
    expect(h.monitor.incidents()).toEqual([]);
    await h.advance(MIN - 1);
    expect(h.texts()).toHaveLength(5);
    await h.advance(1);
    expect(h.texts()[5]).toBe("🟢 mm1 resolved: stable for 60 s after flapping");
    // Back to normal: the next death is alerted on its own.
    await h.advance(5 * MIN);
    await die();
    expect(h.texts()[6]).toBe("🔴 mm1 disconnected (no stopped notice)");
  });

  it("when it settles unhealthy, the current incident is alerted once the flapping ends", async () => {
    h = await monitorHarness({ flapWindowMs: MIN });
    h.monitor.start();
    for (let i = 0; i < 3; i++) {
      await h.launch("mm1");
      await h.beat("mm1");
      await h.advance(2000);
      await die();
    }
    await h.launch("mm1");
    await h.beat("mm1");
    await h.publish("mm1", "crash", { error: "Error: again" });
    await h.kill("mm1");
    expect(h.texts()).toHaveLength(5);
    await h.advance(MIN);
    expect(h.texts().slice(4)).toEqual([
      "🟠 mm1 disconnected (flapping: 3 incidents within 60 s; further changes folded until stable for 60 s)",
      "🔴 mm1 crashed: Error: again",
    ]);
    expect(h.monitor.incidents()).toMatchObject([{ kind: "crashed", alerts: 1 }]);
  });

  it("sends a reminder, not a storm, while a crash loop keeps flapping for long", async () => {
    h = await monitorHarness({ flapWindowMs: MIN, alertRepeatMs: 30 * MIN });
    h.monitor.start();
    for (let i = 0; i < 200; i++) {
      await h.launch("mm1");
      await h.publish("mm1", "crash", { error: `Error: loop ${i}` });
      await h.kill("mm1");
      await h.advance(10_000);
    }
    const alerts = h.lines.filter((l) => l.type === "alert");
    // 200 crashes in ~33 min: 2 single alerts, 1 summary, 1 reminder.
    expect(alerts.map((a) => a.text)).toEqual([
      "🔴 mm1 crashed: Error: loop 0",
      "🔴 mm1 crashed: Error: loop 1",
      "🟠 mm1 crashed (flapping: 3 incidents within 60 s; further changes folded until stable for 60 s)",
      "🟠 mm1 crashed (still flapping: 182 incidents in 30 min)",
    ]);
    expect(alerts[3]?.repeat).toBe(true);
    expect(h.monitor.incidents()).toMatchObject([{ kind: "crashed", flapping: true }]);
  });

  it("is judged per process", async () => {
    h = await monitorHarness({ flapWindowMs: MIN });
    h.monitor.start();
    for (const id of ["a1", "a2", "a3"]) {
      await h.launch(id);
      await h.kill(id);
    }
    await h.advance(300);
    expect(h.texts()).toEqual([
      "🔴 a1 disconnected (no stopped notice)",
      "🔴 a2 disconnected (no stopped notice)",
      "🔴 a3 disconnected (no stopped notice)",
    ]);
  });
});
