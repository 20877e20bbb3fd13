/**
 * The monitor's set of processes (issue 10, parts 5 and 6): bounded, however many ids are heard;
 * configured processes known from the start, and alerted when they never come.
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";
import { alertWordCount, type MonitorHarness, monitorHarness } from "./harness.ts";

let h: MonitorHarness;

afterEach(async () => {
  for (const line of h.lines) {
    expect(line.text).toContain(line.processId);
    if (line.type === "alert") expect(alertWordCount(line.text), line.text).toBe(1);
    else expect(alertWordCount(line.text), line.text).toBe(0);
  }
  await h.close();
  expect(h.clock.pendingTimers).toBe(0);
});

function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      records.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { logger: createLogger({ level: "debug" }, stream), records };
}

const beatAll = (ids: string[]) => {
  for (const id of ids) h.inject(id, "heartbeat", { state: "sleeping", pid: 1, interval_ms: 5000, seq: 1 });
};
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `p${from + i}`);

describe("a bounded number of processes", () => {
  it("tracks at most maxProcesses; past it, new ids are refused, logged once a minute and told once", async () => {
    const { logger, records } = capturingLogger();
    h = await monitorHarness({ maxProcesses: 5, logger });
    h.monitor.start();
    beatAll(ids(0, 10));
    expect(h.monitor.processes().map((p) => p.id)).toEqual(ids(0, 5));
    await h.advance(10_000);
    beatAll(ids(0, 20));
    expect(h.monitor.processes()).toHaveLength(5);
    const refusals = () =>
      records.filter((r) => String(r.msg).startsWith("process limit reached (MISSIONCTL"));
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ level: 40, peer: "p5", max: 5 });
    await h.advance(60_000);
    beatAll(ids(0, 20));
    expect(refusals()).toHaveLength(2);
    expect(refusals()[1]).toMatchObject({ refused: 20 }); // every frame refused since the previous line
    expect(h.lines.filter((l) => l.type === "info").map((l) => l.text)).toEqual([
      "⚠️ not tracking p5: the monitor already tracks 5 processes (MISSIONCTL_MAX_PROCESSES); further new ones are not tracked either",
    ]);
    // Only tracked processes can raise alerts.
    expect(new Set(h.lines.filter((l) => l.type === "alert").map((l) => l.processId))).toEqual(
      new Set(ids(0, 5)),
    );
  });

  it("keeps a slot for every configured process, whatever was heard first", async () => {
    h = await monitorHarness({ maxProcesses: 2, expected: ["mm1"] });
    h.monitor.start();
    beatAll(ids(0, 10));
    expect(h.monitor.processes().map((p) => p.id)).toEqual(["mm1", "p0"]);
    await h.launch("mm1");
    await h.beat("mm1");
    expect(h.view("mm1")).toMatchObject({ state: "up", connected: true });
    expect(h.view("mm1")?.neverConnected).toBeUndefined();
  });

  it("gives the slot of the oldest planned-stopped process to a new one", async () => {
    h = await monitorHarness({ maxProcesses: 2 });
    h.monitor.start();
    beatAll(["a", "b"]);
    h.inject("a", "stopped", { reason: "finish_and_exit", exit_code: 0 });
    beatAll(["c"]);
    expect(h.monitor.processes().map((p) => p.id)).toEqual(["b", "c"]);
    expect(h.texts("info")).toEqual(["⚪ a stopped as planned (finish_and_exit, exit code 0)"]);
  });
});

describe("configured but never seen", () => {
  it("is known from the start as never connected, alerted once after the start grace, resolved when it comes", async () => {
    h = await monitorHarness({ expected: ["mm3"], startGraceMs: 30_000 });
    h.monitor.start();
    expect(h.monitor.processes()).toEqual([
      { id: "mm3", state: "unknown", connected: false, neverConnected: true },
    ]);
    await h.advance(29_999);
    expect(h.lines).toEqual([]);
    await h.advance(1);
    expect(h.texts()).toEqual(["🔴 mm3 disconnected (never connected since the bot started)"]);
    expect(h.monitor.incidents()).toMatchObject([
      { id: "mm3", kind: "disconnected", detail: "never connected since the bot started", alerts: 1 },
    ]);
    expect(h.view("mm3")).toMatchObject({ state: "down", neverConnected: true });
    await h.advance(10 * 60_000);
    expect(h.lines).toHaveLength(1);
    await h.launch("mm3");
    await h.beat("mm3");
    expect(h.texts()).toEqual([
      "🔴 mm3 disconnected (never connected since the bot started)",
      "🟢 mm3 resolved: connected again",
    ]);
    expect(h.view("mm3")).toMatchObject({ state: "up", connected: true });
    expect(h.view("mm3")?.neverConnected).toBeUndefined();
  });

  it("is not alerted when it comes within the grace, or was already there at start", async () => {
    h = await monitorHarness({ expected: ["mm1", "mm2", "mm3"], startGraceMs: 30_000 });
    await h.launch("mm1");
    h.monitor.start();
    await h.advance(10_000);
    await h.launch("mm2"); // connected, not beating yet: unknown, but seen
    h.bot.emit("link", "mm3", false); // a loss signal for a process never seen means nothing
    await h.advance(1000);
    expect(h.lines).toEqual([]);
    expect(h.monitor.processes().map((p) => [p.id, p.state, p.neverConnected ?? false])).toEqual([
      ["mm1", "unknown", false],
      ["mm2", "unknown", false],
      ["mm3", "unknown", true],
    ]);
    await h.advance(20_000);
    expect(h.texts()).toEqual(["🔴 mm3 disconnected (never connected since the bot started)"]);
  });
});
