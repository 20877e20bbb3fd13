/**
 * The silence clocks on few timers (issue 17): a deadline fires exactly when a timer of its own
 * would, re-arming costs no timer, and a fleet's heartbeats keep one timer per announced interval.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock, systemClock } from "../../src/clock.ts";
import { type Deadline, Deadlines, deadline } from "../../src/monitor/deadlines.ts";
import { type MonitorHarness, monitorHarness } from "./harness.ts";

describe("Deadlines", () => {
  const setup = () => {
    const clock = new FakeClock(1_000);
    const deadlines = new Deadlines(clock);
    const fired: string[] = [];
    const make = (name: string): Deadline => deadline(() => fired.push(`${name}@${clock.now()}`));
    return { clock, deadlines, fired, make };
  };

  it("fires at the last arming + its length, not before, and once", () => {
    const { clock, deadlines, fired, make } = setup();
    const a = make("a");
    deadlines.arm(a, 3000);
    clock.advance(2000);
    deadlines.arm(a, 3000); // a heartbeat: due at 6,000 now
    clock.advance(2999);
    expect(fired).toEqual([]);
    expect(deadlines.armed(a)).toBe(true);
    clock.advance(1);
    expect(fired).toEqual(["a@6000"]);
    expect(deadlines.armed(a)).toBe(false);
    clock.advance(60_000);
    expect(fired).toEqual(["a@6000"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("re-arms without making timers: one timer per length, however many deadlines", () => {
    const { clock, deadlines, fired, make } = setup();
    const fleet = Array.from({ length: 100 }, (_, i) => make(`p${i}`));
    for (let second = 0; second < 10; second++) {
      for (const d of fleet) deadlines.arm(d, 3000);
      expect(clock.pendingTimers).toBe(1);
      clock.advance(1000);
    }
    expect(fired).toEqual([]);
    const slow = make("slow");
    deadlines.arm(slow, 20_000);
    expect(clock.pendingTimers).toBe(2);
    // The fleet goes quiet: each fires 3 s after its last arming, in arming order.
    clock.advance(3000);
    expect(fired).toHaveLength(100);
    expect(fired[0]).toBe("p0@13000");
    expect(fired[99]).toBe("p99@13000");
    expect(clock.pendingTimers).toBe(1);
    clock.advance(20_000);
    expect(fired.at(-1)).toBe("slow@31000");
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps deadline order across lengths and moves a deadline whose length changed", () => {
    const { clock, deadlines, fired, make } = setup();
    const a = make("a");
    const b = make("b");
    const c = make("c");
    deadlines.arm(a, 5000);
    deadlines.arm(b, 2000);
    deadlines.arm(c, 5000);
    clock.advance(1000);
    deadlines.arm(a, 1000); // a new interval: due at 3,000, on another list
    clock.advance(10_000);
    // a and b are due together: b's timer is the older, as it was with a timer per arming.
    expect(fired).toEqual(["b@3000", "a@3000", "c@6000"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("cancels: a cancelled deadline never fires, and an empty list leaves no timer", () => {
    const { clock, deadlines, fired, make } = setup();
    const a = make("a");
    const b = make("b");
    deadlines.arm(a, 1000);
    deadlines.arm(b, 1000);
    deadlines.cancel(a);
    deadlines.cancel(a); // not armed: nothing
    expect(clock.pendingTimers).toBe(1);
    deadlines.cancel(b);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5000);
    expect(fired).toEqual([]);
    deadlines.arm(a, 1000);
    deadlines.clear();
    expect(deadlines.armed(a)).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5000);
    expect(fired).toEqual([]);
  });

  it("takes armings made while it fires: into the same list, after the ones due", () => {
    const { clock, deadlines, fired, make } = setup();
    const b = make("b");
    let again = true;
    const a = deadline(() => {
      fired.push(`a@${clock.now()}`);
      if (again) deadlines.arm(a, 1000); // re-armed from its own callback
      again = false;
      deadlines.cancel(b);
    });
    deadlines.arm(a, 1000);
    clock.advance(500);
    deadlines.arm(b, 1000);
    clock.advance(10_000);
    expect(fired).toEqual(["a@2000", "a@3000"]);
    expect(clock.pendingTimers).toBe(0);
  });

  describe("on the system clock", () => {
    afterEach(() => vi.restoreAllMocks());

    it("counts on the monotonic clock: a wall-clock step fires nothing early", async () => {
      const deadlines = new Deadlines(systemClock);
      let fired = 0;
      const d = deadline(() => fired++);
      const t0 = performance.now();
      deadlines.arm(d, 80);
      // The wall clock jumps an hour ahead (an NTP step, a resumed VM): the deadline does not care.
      const wall = Date.now();
      vi.spyOn(Date, "now").mockReturnValue(wall + 3_600_000);
      await new Promise((r) => setTimeout(r, 20));
      expect(fired).toBe(0);
      await new Promise<void>((resolve) => {
        const check = () => (fired ? resolve() : setTimeout(check, 5));
        check();
      });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(79);
      expect(fired).toBe(1);
      deadlines.clear();
    });
  });
});

describe("the monitor's silence clocks", () => {
  let h: MonitorHarness;
  afterEach(async () => {
    await h.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("a fleet heartbeating keeps one silence timer, and each process still goes silent on time", async () => {
    h = await monitorHarness({ heartbeatGrace: 3 });
    h.monitor.start();
    const ids = Array.from({ length: 50 }, (_, i) => `p${String(i).padStart(2, "0")}`);
    const beat = (id: string) =>
      h.inject(id, "heartbeat", { state: "sleeping", pid: 7, interval_ms: 1000, seq: 1 });
    const timers = h.clock.pendingTimers;
    for (let second = 0; second < 5; second++) {
      for (const id of ids) beat(id);
      // One silence timer for the fleet (no state: no batch timer either).
      expect(h.clock.pendingTimers).toBe(timers + 1);
      await h.advance(1000);
    }
    // p00 stops after its heartbeat at +4 s; the rest beat once more, at +5 s.
    for (const id of ids.slice(1)) beat(id);
    await h.advance(1999);
    expect(h.state("p00")).toBe("up");
    expect(h.texts("alert")).toEqual([]);
    // Silent at +7 s exactly (3 × 1 s after its last heartbeat), alone.
    await h.advance(1);
    expect(h.state("p00")).toBe("silent");
    expect(h.texts("alert")).toEqual(["🟡 p00 silent: no heartbeat for 3.0 s"]);
    expect(ids.slice(1).every((id) => h.state(id) === "up")).toBe(true);
  });
});

describe("the process table's index", () => {
  let h: MonitorHarness;
  afterEach(async () => {
    await h.close();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it("takes ids that are special names for JavaScript objects", async () => {
    h = await monitorHarness({ heartbeatGrace: 3 });
    h.monitor.start();
    const ids = ["__proto__", "constructor", "toString", "hasOwnProperty", "0", "123", "4294967295", "mm1"];
    for (const id of ids) h.inject(id, "heartbeat", { state: "sleeping", pid: 7, interval_ms: 1000, seq: 1 });
    expect(h.monitor.processes().map((p) => p.id)).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    for (const id of ids) expect(h.state(id), id).toBe("up");
    await h.advance(3000);
    expect(h.texts("alert")).toHaveLength(ids.length);
    for (const id of ids) expect(h.state(id), id).toBe("silent");
    // A heartbeat finds each record again (not a new one): resolved, not learned anew.
    for (const id of ids) h.inject(id, "heartbeat", { state: "sleeping", pid: 7, interval_ms: 1000, seq: 2 });
    expect(h.texts("alert.resolved")).toHaveLength(ids.length);
    expect(h.monitor.processes()).toHaveLength(ids.length);
  });
});
