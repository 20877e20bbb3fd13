/**
 * The monitor against real processes over ZeroMQ ipc: a child publishing heartbeats
 * (test/fixtures/monitor-heartbeat-child.ts) is SIGKILLed, stops as planned, or was running before
 * the monitor started. Alerts go through the real notifier to a fake `send`. No tight timing here:
 * the SIGKILL → send time is measured in scratch/monitor-sigkill.ts, not asserted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LifecycleBus } from "../../src/events.ts";
import { IpcCommandSystem, ZmqTransport } from "../../src/ipc/index.ts";
import { createAlertNotifier, createMonitor, type Monitor } from "../../src/monitor/index.ts";
import { tempIpcDir, until } from "../helpers.ts";

const fixture = fileURLToPath(new URL("../fixtures/monitor-heartbeat-child.ts", import.meta.url));
const HEARTBEAT_MS = 1000;

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

interface Delivered {
  chatId: number;
  text: string;
  at: number;
}

async function setup() {
  const tmp = tempIpcDir();
  cleanups.push(tmp.cleanup);
  const ipcDir = join(tmp.dir, "ipc");
  const bot = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
  await bot.start();
  cleanups.push(() => bot.stop());
  const bus = new LifecycleBus();
  const delivered: Delivered[] = [];
  const notifier = createAlertNotifier({
    bus,
    chats: [42],
    send: async (chatId, text) => {
      delivered.push({ chatId, text, at: Date.now() });
    },
  });
  cleanups.push(() => notifier.stop());
  let monitor: Monitor | undefined;
  const startMonitor = (): Monitor => {
    monitor = createMonitor({ ipc: bot, bus });
    monitor.start();
    cleanups.push(() => monitor?.stop());
    return monitor;
  };
  const spawnChild = async (id: string): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fixture, ipcDir, id, "chatops", String(HEARTBEAT_MS)],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    bot.connectToProcess(id);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`child ${id} exited early (${code})`)));
    });
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  return { bot, bus, delivered, startMonitor, spawnChild, exited, monitor: () => monitor };
}

const upInMonitor = (m: Monitor, id: string) => () =>
  m.processes().some((p) => p.id === id && p.state === "up");

describe("monitor over ZeroMQ ipc with real processes", () => {
  it("SIGKILL of a strategy brings a disconnected alert to send()", async () => {
    const s = await setup();
    const monitor = s.startMonitor();
    const child = await s.spawnChild("hb1");
    await until(upInMonitor(monitor, "hb1"), 15_000, "hb1 up");
    expect(s.delivered).toEqual([]);
    const killedAt = Date.now();
    child.kill("SIGKILL");
    await until(() => s.delivered.length > 0, 10_000, "an alert");
    expect(s.delivered[0]).toMatchObject({ chatId: 42, text: "🔴 hb1 disconnected (no stopped notice)" });
    console.log(
      `SIGKILL → send() ${s.delivered[0] ? s.delivered[0].at - killedAt : "?"} ms (informative only)`,
    );
    await s.exited(child);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.delivered.map((d) => d.text)).toEqual(["🔴 hb1 disconnected (no stopped notice)"]);
    expect(monitor.processes()).toMatchObject([{ id: "hb1", state: "down", connected: false }]);
  });

  it("a planned exit with a `stopped` notice is an info line, no alert", async () => {
    const s = await setup();
    const monitor = s.startMonitor();
    const child = await s.spawnChild("hb2");
    await until(upInMonitor(monitor, "hb2"), 15_000, "hb2 up");
    child.stdin?.write("stop\n");
    await s.exited(child);
    await until(() => monitor.processes().some((p) => p.id === "hb2" && !p.connected), 5000, "hb2 gone");
    await new Promise((r) => setTimeout(r, 1000)); // well past the settle window
    expect(s.delivered.map((d) => d.text)).toEqual(["⚪ hb2 stopped as planned (stdin stop, exit code 0)"]);
    expect(monitor.processes()).toMatchObject([{ id: "hb2", state: "stopped" }]);
    expect(monitor.incidents()).toEqual([]);
  });

  it("the bot's own finish_and_exit (expectExit + stopped) gives no alert", async () => {
    const s = await setup();
    const monitor = s.startMonitor();
    const child = await s.spawnChild("hb3");
    await until(upInMonitor(monitor, "hb3"), 15_000, "hb3 up");
    monitor.expectExit(["hb3"]);
    const result = await s.bot.request("hb3", "finish_and_exit", {});
    expect(result.ok).toBe(true);
    await s.exited(child);
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.delivered.map((d) => d.text)).toEqual([
      "⚪ hb3 stopped as planned (finish_and_exit, exit code 0)",
    ]);
  });

  it("a crash event gives one crashed alert and no disconnected alert for the same death", async () => {
    const s = await setup();
    const monitor = s.startMonitor();
    const child = await s.spawnChild("hb4");
    await until(upInMonitor(monitor, "hb4"), 15_000, "hb4 up");
    child.stdin?.write("crash\n");
    await s.exited(child);
    await until(() => s.delivered.length > 0, 5000, "an alert");
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.delivered.map((d) => d.text)).toEqual(["🔴 hb4 crashed: Error: boom"]);
  });

  it("a monitor started while the strategy already runs learns it without an alert, then watches it", async () => {
    const s = await setup();
    const child = await s.spawnChild("hb5");
    let beats = 0;
    s.bot.on("message", (c) => {
      if (c.sender_id === "hb5" && c.command_type === "heartbeat") beats++;
    });
    await until(() => s.bot.presence.has("hb5") && beats > 0, 15_000, "hb5 running");
    const monitor = s.startMonitor();
    expect(monitor.processes()).toMatchObject([{ id: "hb5", connected: true }]);
    const seen = beats;
    await until(() => beats >= seen + 2, 15_000, "two more heartbeats");
    expect(monitor.processes()).toMatchObject([{ id: "hb5", state: "up" }]);
    expect(s.delivered).toEqual([]);
    child.kill("SIGKILL");
    await until(() => s.delivered.length > 0, 10_000, "an alert");
    expect(s.delivered.map((d) => d.text)).toEqual(["🔴 hb5 disconnected (no stopped notice)"]);
  });
});
