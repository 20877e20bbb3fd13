import { afterEach, describe, expect, it } from "vitest";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { createMonitor } from "../../src/monitor/index.ts";
import { flush } from "../helpers.ts";
import { alertWordCount, type MonitorHarness, monitorHarness, T0 } from "./harness.ts";

let h: MonitorHarness;

afterEach(async () => {
  // Every alert names the process and carries exactly one of the three words; resolved says resolved.
  for (const line of h.lines) {
    expect(line.text).toContain(line.processId);
    if (line.type === "alert") expect(alertWordCount(line.text), line.text).toBe(1);
    if (line.type === "alert.resolved") {
      expect(line.text).toMatch(/\bresolved\b/);
      expect(alertWordCount(line.text), line.text).toBe(0);
    }
    if (line.type === "info") expect(alertWordCount(line.text), line.text).toBe(0);
  }
  await h.close();
  expect(h.clock.pendingTimers).toBe(0);
});

describe("learning", () => {
  it("learns processes already running at start without any line on the bus", async () => {
    h = await monitorHarness();
    await h.launch("mm1");
    await h.launch("mm2");
    h.monitor.start();
    expect(h.monitor.processes().map((p) => [p.id, p.state, p.connected])).toEqual([
      ["mm1", "unknown", true],
      ["mm2", "unknown", true],
    ]);
    await h.beat("mm1");
    await h.beat("mm2");
    expect(h.state("mm1")).toBe("up");
    expect(h.lines).toEqual([]);
  });

  it("learns a new process from its first heartbeat without an alert, and shows its heartbeat facts", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1", { state: "running", interval_ms: 2000 });
    expect(h.view("mm1")).toMatchObject({
      id: "mm1",
      state: "up",
      connected: true,
      strategyState: "running",
      heartbeatIntervalMs: 2000,
      lastHeartbeatAt: T0,
      pid: h.pid("mm1"),
    });
    expect(h.lines).toEqual([]);
  });

  it("ignores processes it only hears through a link (a `cli` sender), even when they vanish", async () => {
    h = await monitorHarness();
    h.monitor.start();
    const cli = new IpcCommandSystem({ id: "cli", transport: new MemoryTransport(h.hub, "cli") });
    await cli.start();
    h.bot.connectToProcess("cli");
    await flush();
    await cli.stop();
    await h.advance(1000);
    expect(h.monitor.processes()).toEqual([]);
    expect(h.lines).toEqual([]);
  });
});

describe("silence", () => {
  it("goes silent after grace × the announced interval, and resolves when heartbeats return", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.advance(14_999);
    expect(h.lines).toEqual([]);
    await h.advance(1);
    expect(h.lines).toEqual([
      {
        type: "alert",
        processId: "mm1",
        kind: "silent",
        text: "🟡 mm1 silent: no heartbeat for 15 s",
        repeat: false,
      },
    ]);
    expect(h.state("mm1")).toBe("silent");
    expect(h.monitor.incidents()).toEqual([
      {
        id: "mm1",
        kind: "silent",
        since: T0 + 15_000,
        detail: "no heartbeat for 15 s",
        alerts: 1,
        muted: false,
      },
    ]);
    await h.advance(60_000); // one alert per incident
    expect(h.lines).toHaveLength(1);
    await h.beat("mm1");
    expect(h.lines[1]).toEqual({
      type: "alert.resolved",
      processId: "mm1",
      kind: "silent",
      text: "🟢 mm1 resolved: heartbeats are back",
    });
    expect(h.state("mm1")).toBe("up");
    expect(h.monitor.incidents()).toEqual([]);
  });

  it("uses each process's own interval and the configured grace", async () => {
    h = await monitorHarness({ heartbeatGrace: 2 });
    h.monitor.start();
    await h.launch("fast");
    await h.launch("slow");
    await h.beat("fast", { interval_ms: 1000 });
    await h.beat("slow", { interval_ms: 10_000 });
    await h.advance(2000);
    expect(h.texts()).toEqual(["🟡 fast silent: no heartbeat for 2.0 s"]);
    await h.advance(18_000);
    expect(h.texts()).toEqual([
      "🟡 fast silent: no heartbeat for 2.0 s",
      "🟡 slow silent: no heartbeat for 20 s",
    ]);
  });

  it("keeps a process up while heartbeats keep coming", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    for (let i = 0; i < 10; i++) {
      await h.beat("mm1");
      await h.advance(5000);
    }
    expect(h.lines).toEqual([]);
    expect(h.state("mm1")).toBe("up");
  });
});

describe("disconnect", () => {
  it("alerts an unplanned disconnect after the settle window, once, and resolves on reconnect", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.kill("mm1");
    await h.advance(299);
    expect(h.lines).toEqual([]);
    await h.advance(1);
    expect(h.lines).toEqual([
      {
        type: "alert",
        processId: "mm1",
        kind: "disconnected",
        text: "🔴 mm1 disconnected (no stopped notice)",
        repeat: false,
      },
    ]);
    expect(h.view("mm1")).toMatchObject({ state: "down", connected: false });
    expect(h.monitor.incidents()).toMatchObject([{ id: "mm1", kind: "disconnected", alerts: 1 }]);
    await h.launch("mm1");
    await h.beat("mm1");
    expect(h.texts()).toEqual([
      "🔴 mm1 disconnected (no stopped notice)",
      "🟢 mm1 resolved: connected again",
    ]);
    expect(h.state("mm1")).toBe("up");
    expect(h.monitor.incidents()).toEqual([]);
  });

  it("alerts the disconnect of a process known only by presence (killed before its first heartbeat)", async () => {
    h = await monitorHarness();
    await h.launch("mm1");
    h.monitor.start();
    await h.kill("mm1");
    await h.advance(300);
    expect(h.texts()).toEqual(["🔴 mm1 disconnected (no stopped notice)"]);
  });

  it("replaces a silent incident by the disconnect and ends both with one resolved notice", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.advance(15_000);
    await h.kill("mm1");
    await h.advance(300);
    expect(h.monitor.incidents()).toMatchObject([{ kind: "disconnected" }]);
    await h.launch("mm1");
    expect(h.texts()).toEqual([
      "🟡 mm1 silent: no heartbeat for 15 s",
      "🔴 mm1 disconnected (no stopped notice)",
      "🟢 mm1 resolved: connected again",
    ]);
  });

  it("does not count a presence blip that comes back within the settle window", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    h.bot.emit("disconnected", "mm1");
    await h.advance(100);
    h.bot.emit("connected", "mm1");
    await h.advance(1000);
    expect(h.lines).toEqual([]);
    expect(h.state("mm1")).toBe("up");
  });
});

describe("planned stops", () => {
  it("a `stopped` event is a quiet info line, never an alert", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.publish("mm1", "stopped", { reason: "finish_and_exit", exit_code: 0 });
    await h.kill("mm1");
    await h.advance(60_000);
    expect(h.lines).toEqual([
      { type: "info", processId: "mm1", text: "⚪ mm1 stopped as planned (finish_and_exit, exit code 0)" },
    ]);
    expect(h.view("mm1")).toMatchObject({ state: "stopped", connected: false });
    expect(h.monitor.incidents()).toEqual([]);
  });

  it("a `stopped` that arrives after the disconnect but within the settle window still counts", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    h.bot.emit("disconnected", "mm1");
    await h.advance(250);
    h.inject("mm1", "stopped", { reason: "exit_now", exit_code: 0 });
    await h.advance(1000);
    expect(h.texts()).toEqual(["⚪ mm1 stopped as planned (exit_now, exit code 0)"]);
  });

  it("a `stopped` arriving after the disconnect alert corrects it with a resolved notice", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    h.bot.emit("disconnected", "mm1");
    await h.advance(500);
    h.inject("mm1", "stopped", { reason: "finish_and_exit", exit_code: 0 });
    expect(h.texts()).toEqual([
      "🔴 mm1 disconnected (no stopped notice)",
      "🟢 mm1 resolved: it stopped as planned (finish_and_exit)",
    ]);
    expect(h.state("mm1")).toBe("stopped");
  });

  it("an exit the bot requested (expectExit) is an info line on disconnect, not an alert", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.launch("mm2");
    await h.beat("mm1");
    await h.beat("mm2");
    h.monitor.expectExit(["mm1", "mm2"]);
    await h.kill("mm1");
    await h.kill("mm2");
    await h.advance(60_000);
    expect(h.texts()).toEqual(["⚪ mm1 exited as requested", "⚪ mm2 exited as requested"]);
    expect(h.state("mm1")).toBe("stopped");
  });

  it("an expected exit is used once: the next death of the restarted process alerts", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    h.monitor.expectExit(["mm1"]);
    await h.kill("mm1");
    await h.advance(300);
    await h.launch("mm1");
    await h.kill("mm1");
    await h.advance(300);
    expect(h.texts()).toEqual([
      "⚪ mm1 exited as requested",
      "⚪ mm1 is up again after a planned stop",
      "🔴 mm1 disconnected (no stopped notice)",
    ]);
  });

  it("an expectation expires", async () => {
    h = await monitorHarness({ expectExitTtlMs: 60_000 });
    h.monitor.start();
    await h.launch("mm1");
    h.monitor.expectExit(["mm1"]);
    await h.advance(61_000);
    await h.kill("mm1");
    await h.advance(300);
    expect(h.texts("alert")).toEqual(["🔴 mm1 disconnected (no stopped notice)"]);
  });

  it("ignores late heartbeats of the incarnation that said it stopped", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.publish("mm1", "stopped", { reason: "finish_and_exit", exit_code: 0 });
    await h.beat("mm1"); // still lingering: same pid
    await h.kill("mm1");
    await h.advance(1000);
    expect(h.texts()).toEqual(["⚪ mm1 stopped as planned (finish_and_exit, exit code 0)"]);
    expect(h.state("mm1")).toBe("stopped");
  });
});

describe("crash", () => {
  it("alerts crashed with the error and no extra disconnected alert for the same death", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.publish("mm1", "crash", { error: "Error: boom", stack: "Error: boom\n    at step (x.ts:1:1)" });
    expect(h.lines).toEqual([
      {
        type: "alert",
        processId: "mm1",
        kind: "crashed",
        text: "🔴 mm1 crashed: Error: boom",
        repeat: false,
      },
    ]);
    await h.kill("mm1");
    await h.advance(60_000);
    expect(h.texts()).toEqual(["🔴 mm1 crashed: Error: boom"]);
    expect(h.monitor.incidents()).toMatchObject([
      { id: "mm1", kind: "crashed", detail: "Error: boom", alerts: 1 },
    ]);
    await h.launch("mm1");
    expect(h.texts()).toEqual(["🔴 mm1 crashed: Error: boom", "🟢 mm1 resolved: connected again"]);
  });

  it("a crash event that arrives within the settle window after the disconnect wins", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    h.bot.emit("disconnected", "mm1");
    await h.advance(100);
    h.inject("mm1", "crash", { error: "TypeError: x is undefined" });
    await h.advance(1000);
    expect(h.texts()).toEqual(["🔴 mm1 crashed: TypeError: x is undefined"]);
  });

  it("a crash is an alert even when the exit was expected", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    h.monitor.expectExit(["mm1"]);
    await h.publish("mm1", "crash", { error: "Error: failed while exiting" });
    await h.kill("mm1");
    await h.advance(1000);
    expect(h.texts()).toEqual(["🔴 mm1 crashed: Error: failed while exiting"]);
  });

  it("quotes a long multi-line error on one bounded line", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.publish("mm1", "crash", { error: `Error: ${"x".repeat(1000)}\nsecond line` });
    const [text] = h.texts();
    expect(text?.startsWith("🔴 mm1 crashed: Error: xxx")).toBe(true);
    expect(text?.length).toBeLessThan(400);
    expect(text).not.toContain("\n");
  });
});

describe("restarts", () => {
  it("notes a restart with a new pid that slipped through without a stop notice", async () => {
    h = await monitorHarness();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1", { pid: 11 });
    await h.beat("mm1", { pid: 12 });
    expect(h.texts()).toEqual(["⚪ mm1 restarted (pid 11 → 12) without a stop notice in between"]);
  });
});

describe("options", () => {
  it("refuses nonsense options with a typed error", async () => {
    h = await monitorHarness();
    expect(() => createMonitor({ ipc: h.bot, bus: h.bus, settleMs: -1 })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
  });

  it("stop() cancels every timer and start() is idempotent", async () => {
    h = await monitorHarness();
    h.monitor.start();
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    h.monitor.mute("mm1", 60_000);
    expect(h.clock.pendingTimers).toBeGreaterThan(0);
    h.monitor.stop();
    expect(h.clock.pendingTimers).toBe(0);
    expect(h.monitor.processes()).toEqual([]);
  });
});
