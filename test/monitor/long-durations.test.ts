import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { IncidentBook } from "../../src/monitor/incidents.ts";
import { LivenessTracker } from "../../src/monitor/liveness.ts";
import { MuteTable } from "../../src/monitor/mutes.ts";
import type { Mute } from "../../src/monitor/types.ts";

// Issue 10: on the real clock, Node fires a timer over 2^31−1 ms after 1 ms, so `/mute * 30d` ended
// at once and MISSIONCTL_ALERT_REPEAT_MS=3000000000 sent thousands of alerts. These run on
// systemClock on purpose: FakeClock never had the limit.
const THIRTY_DAYS = 30 * 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("long durations on the system clock (issue 10)", () => {
  it("a 30-day mute (the /mute maximum) is still active after 50 ms", async () => {
    const expired: Mute[] = [];
    const mutes = new MuteTable(systemClock, (m) => expired.push(m));
    try {
      const mute = mutes.add("*", THIRTY_DAYS, "alice");
      await sleep(50);
      expect(expired).toEqual([]);
      expect(mutes.isMuted("mm1")).toBe(true);
      expect(mutes.list()).toEqual([mute]);
    } finally {
      mutes.clear();
    }
  });

  it("an alert repeat of 30 days (the configured maximum) sends one alert, not one a millisecond", async () => {
    const bus = new LifecycleBus();
    const alerts: string[] = [];
    bus.on("alert", (e) => alerts.push(e.text));
    const mutes = new MuteTable(systemClock);
    const book = new IncidentBook({
      bus,
      clock: systemClock,
      log: silentLogger,
      mutes,
      alertRepeatMs: THIRTY_DAYS,
      flapWindowMs: 60_000,
    });
    try {
      book.incident("mm1", "crashed", "Error: boom");
      await sleep(100);
      expect(alerts).toEqual(["🔴 mm1 crashed: Error: boom"]);
    } finally {
      book.clear();
    }
  });

  it("a strategy beating once a day, with a grace of 1000 (both maxima), is not called silent at once", async () => {
    const incidents: string[] = [];
    const tracker = new LivenessTracker({
      clock: systemClock,
      log: silentLogger,
      sink: { incident: (id, kind) => incidents.push(`${id} ${kind}`), recovered: () => {}, info: () => {} },
      heartbeatGrace: 1000,
      settleMs: 300,
    });
    try {
      tracker.heartbeat("mm1", { interval_ms: 86_400_000, state: "sleeping", pid: 42, seq: 1 });
      await sleep(50);
      expect(incidents).toEqual([]);
      expect(tracker.views()).toMatchObject([{ id: "mm1", state: "up" }]);
    } finally {
      tracker.clear();
    }
  });
});
