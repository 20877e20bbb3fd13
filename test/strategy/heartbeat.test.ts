import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/log.ts";
import { Heartbeat, type HeartbeatPayload } from "../../src/strategy/heartbeat.ts";

describe("Heartbeat", () => {
  it("beats at start and every interval with seq; stop clears its timer", async () => {
    const clock = new FakeClock();
    const sent: HeartbeatPayload[] = [];
    const hb = new Heartbeat({
      clock,
      intervalMs: 1000,
      log: silentLogger,
      snapshot: () => ({ state: "sleeping", pid: 7, uptime_s: Math.floor(clock.now() / 1000) }),
      publish: async (p) => sent.push(p),
    });
    hb.start();
    hb.start();
    clock.advance(2500);
    expect(sent).toEqual([
      { state: "sleeping", pid: 7, uptime_s: 0, interval_ms: 1000, seq: 1 },
      { state: "sleeping", pid: 7, uptime_s: 1, interval_ms: 1000, seq: 2 },
      { state: "sleeping", pid: 7, uptime_s: 2, interval_ms: 1000, seq: 3 },
    ]);
    hb.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5000);
    expect(sent).toHaveLength(3);
  });

  it("a failed publish is logged, not thrown, and the beat goes on", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const hb = new Heartbeat({
      clock,
      intervalMs: 10,
      log: silentLogger,
      snapshot: () => ({ state: "running", pid: 1, uptime_s: 0 }),
      publish: () => {
        calls++;
        return Promise.reject(new Error("closed"));
      },
    });
    hb.start();
    clock.advance(20);
    await Promise.resolve();
    expect(calls).toBe(3);
    hb.stop();
  });
});
