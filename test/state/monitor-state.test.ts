/**
 * The monitor's writes to the state (docs/state.md): heartbeats are batched, never one write each;
 * a process gone longer than MISSIONCTL_FORGET_AFTER_MS and not configured is forgotten, logged.
 */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";
import { openState, type StateStore } from "../../src/state/index.ts";
import { monitorHarness, T0 } from "../monitor/harness.ts";

const DAY = 86_400_000;
let state: StateStore | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  state?.close();
  state = undefined;
});

function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      records.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { logger: createLogger({ level: "info" }, stream), records };
}

describe("the monitor's state", () => {
  it("batches heartbeats: one transaction per second, not a write per heartbeat", async () => {
    state = openState(":memory:");
    const store = state.monitor;
    let batches = 0;
    let rows = 0;
    const save = store.saveProcesses.bind(store);
    store.saveProcesses = (list) => {
      batches++;
      rows += list.length;
      save(list);
    };
    const h = await monitorHarness({ state });
    close = h.close;
    h.monitor.start();
    for (const id of ["a", "b", "c"]) await h.launch(id);
    for (let i = 0; i < 10; i++) {
      for (const id of ["a", "b", "c"]) await h.beat(id);
      await h.advance(100);
    }
    // 30 heartbeats in 1 s: at most two batches (the second second has begun), each process once per batch.
    expect(batches).toBeLessThanOrEqual(2);
    expect(rows).toBeLessThanOrEqual(6);
    await h.advance(1000);
    const saved = store.processes().map((p) => [p.id, p.state, p.lastHeartbeatAt]);
    expect(saved).toEqual([
      ["a", "up", T0 + 900],
      ["b", "up", T0 + 900],
      ["c", "up", T0 + 900],
    ]);
  });

  it("rewrites a row whose only news is heartbeats every 15 s, a change at the next batch, all at a stop", async () => {
    state = openState(":memory:");
    const h = await monitorHarness({ state });
    close = h.close;
    h.monitor.start();
    await h.launch("a");
    const stored = () => state?.monitor.processes().find((p) => p.id === "a");
    const beat = (extra: Record<string, unknown> = {}) => h.beat("a", { interval_ms: 1000, ...extra });
    await beat();
    await h.advance(1000); // the first batch: the row is new
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0, strategyState: "sleeping" });
    for (let s = 1; s < 10; s++) {
      await beat();
      await h.advance(1000);
    }
    // Nine more heartbeats, and still the row of the first: nothing changed but the time.
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0 });
    await beat({ state: "running" });
    await h.advance(1000);
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0 + 10_000, strategyState: "running" });
    // Written at +11 s; the next heartbeat-only rewrite is due at +26 s, at the batch after +25 s.
    for (let s = 11; s < 26; s++) {
      await beat({ state: "running" });
      await h.advance(s === 25 ? 999 : 1000);
    }
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0 + 10_000 });
    await h.advance(1);
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0 + 25_000 });
    // A stop writes what was heard since the last batch, heartbeat times too.
    await h.advance(500);
    await beat({ state: "running" });
    await h.close();
    close = undefined;
    expect(stored()).toMatchObject({ lastHeartbeatAt: T0 + 26_500, state: "up" });
  });

  it("forgets a process gone longer than the limit and not configured, with a line in the log", async () => {
    state = openState(":memory:");
    const old = T0 - 8 * DAY;
    state.monitor.saveProcesses([
      { id: "gone", firstSeenAt: old, lastSeenAt: old, state: "stopped" },
      { id: "kept", firstSeenAt: old, lastSeenAt: old, state: "down", downKind: "disconnected" },
      { id: "recent", firstSeenAt: old, lastSeenAt: T0 - DAY, state: "stopped" },
    ]);
    const { logger, records } = capturingLogger();
    const h = await monitorHarness({ state, logger, expected: ["kept"], forgetAfterMs: 7 * DAY });
    close = h.close;
    h.monitor.start();
    expect(h.monitor.processes().map((p) => p.id)).toEqual(["kept", "recent"]);
    expect(state.monitor.processes().map((p) => p.id)).toEqual(["kept", "recent"]);
    expect(records.map((r) => r.msg)).toContain("forgot process gone: not seen for 8 d and not configured");
    // Checked every hour while running: "recent" reaches the limit six days on.
    await h.advance(6 * DAY + 3_600_000);
    expect(h.monitor.processes().map((p) => p.id)).toEqual(["kept"]);
    expect(state.monitor.processes().map((p) => p.id)).toEqual(["kept"]);
    expect(records.map((r) => r.msg)).toContainEqual(
      expect.stringMatching(/^forgot process recent: not seen for 7 d( \d+ h)? and not configured$/),
    );
  });
});
