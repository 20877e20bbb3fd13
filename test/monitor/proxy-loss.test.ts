import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/log.ts";
import type { LivenessSink } from "../../src/monitor/liveness.ts";
import { ProxyLoss } from "../../src/monitor/proxy-loss.ts";

function setup(connected: string[]) {
  const clock = new FakeClock(Date.UTC(2026, 11, 2, 12, 3));
  const seen: string[] = [];
  const sink: LivenessSink = {
    incident: (id, kind, detail) => seen.push(`incident ${id} ${kind}: ${detail}`),
    recovered: (id, how) => seen.push(`recovered ${id}: ${how}`),
    info: (id, text) => seen.push(`info ${id}: ${text}`),
  };
  const present = new Set(connected);
  const loss = new ProxyLoss({ sink, clock, log: silentLogger, connected: () => [...present].sort() });
  return { clock, seen, present, loss };
}

describe("ProxyLoss: losing the proxy is one incident", () => {
  it("one incident naming how many became unreachable; the processes' own disconnects are held", () => {
    const t = setup(["mm1", "mm2", "proxy", "py1"]);
    t.loss.link(false);
    for (const id of ["mm1", "mm2", "py1"]) {
      t.present.delete(id);
      t.loss.incident(id, "disconnected", "no stopped notice");
    }
    expect(t.seen).toEqual([
      "incident proxy disconnected: lost the link at 12:03 UTC: 3 processes unreachable (mm1, mm2, py1)",
    ]);
  });

  it("back: resolved once; processes back within the grace say nothing, one still missing is alerted", () => {
    const t = setup(["mm1", "mm2", "py1"]);
    t.loss.link(false);
    for (const id of ["mm1", "mm2", "py1"]) {
      t.present.delete(id);
      t.loss.incident(id, "disconnected", "no stopped notice");
    }
    t.clock.advance(20_000);
    t.loss.link(true);
    for (const id of ["mm1", "py1"]) {
      t.present.add(id);
      t.loss.recovered(id, "connected again");
    }
    t.clock.advance(4999);
    expect(t.seen).toHaveLength(1);
    t.clock.advance(1);
    expect(t.seen.slice(1)).toEqual([
      "recovered proxy: the link is back; 2 of 3 processes present again",
      "incident mm2 disconnected: no stopped notice; still missing after the proxy came back",
    ]);
    expect(t.clock.pendingTimers).toBe(0);
  });

  it("with the link up, incidents and recoveries pass through untouched", () => {
    const t = setup(["mm1"]);
    t.loss.incident("mm1", "crashed", "Error: boom");
    t.loss.recovered("mm1", "connected again");
    t.loss.info("mm1", "stopped as planned");
    expect(t.seen).toEqual([
      "incident mm1 crashed: Error: boom",
      "recovered mm1: connected again",
      "info mm1: stopped as planned",
    ]);
  });

  it("a flapping link (lost again while coming back) stays one incident", () => {
    const t = setup(["mm1"]);
    t.loss.link(false);
    t.loss.link(true);
    t.clock.advance(1000);
    t.loss.link(false);
    t.loss.link(true);
    t.clock.advance(5000);
    expect(t.seen.filter((l) => l.startsWith("incident proxy"))).toHaveLength(1);
    expect(t.seen.filter((l) => l.startsWith("recovered proxy"))).toHaveLength(1);
  });
});
