/**
 * A process in the IPC dir may speak only for itself (docs/security.md): over real ZeroMQ ipc, a
 * foreign publisher `evil` that the bot hears forges `stopped` as mm1 and heartbeats for invented
 * ids. Neither reaches the monitor; mm1's real SIGKILL afterwards is still alerted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { LifecycleBus } from "../../src/events.ts";
import { encodeFrame, IpcCommandSystem, ipcAddress, ZmqTransport } from "../../src/ipc/index.ts";
import { createMonitor } from "../../src/monitor/index.ts";
import { tempIpcDir, until } from "../helpers.ts";

const fixture = fileURLToPath(new URL("../fixtures/monitor-heartbeat-child.ts", import.meta.url));

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const forged = (sender: string, type: string, payload: Record<string, unknown>, n: number) =>
  encodeFrame({
    command_id: `${sender}_${n}_1`,
    sender_id: sender,
    target_id: "*",
    command_type: type,
    payload,
    timestamp: Date.now() * 1000,
  });

describe("forged senders over ZeroMQ ipc", () => {
  it("a foreign process cannot announce mm1's stop, hide its death, or invent heartbeats", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const ipcDir = join(tmp.dir, "ipc");
    const bot = new IpcCommandSystem({
      id: "chatops",
      transport: new ZmqTransport({ id: "chatops", ipcDir }),
    });
    await bot.start();
    cleanups.push(() => bot.stop());
    const bus = new LifecycleBus();
    const alerts: string[] = [];
    bus.on("alert", (a) => alerts.push(a.text));
    const monitor = createMonitor({ ipc: bot, bus });
    monitor.start();
    cleanups.push(() => monitor.stop());

    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", fixture, ipcDir, "mm1", "chatops", "500"],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    bot.connectToProcess("mm1");
    await until(() => monitor.processes().some((p) => p.id === "mm1" && p.state === "up"), 15_000, "mm1 up");

    const evil = new zmq.XPublisher();
    cleanups.push(() => evil.close());
    await evil.bind(ipcAddress(ipcDir, "evil"));
    bot.connectToProcess("evil");
    for (;;) {
      const [sub] = await evil.receive();
      if (sub?.toString("latin1", 1) === "chatops.") break;
    }
    await evil.send(forged("mm1", "stopped", { reason: "finish_and_exit", exit_code: 0 }, 1));
    for (let i = 0; i < 100; i++) {
      await evil.send(
        forged(
          `fake${i}`,
          "heartbeat",
          { state: "running", pid: 1, uptime_s: 1, interval_ms: 500, seq: 1 },
          i,
        ),
      );
    }
    // The sentinel: evil's own heartbeat, under its own name, arrives after everything above.
    await evil.send(
      forged(
        "evil",
        "heartbeat",
        { state: "running", pid: 2, uptime_s: 1, interval_ms: 60_000, seq: 1 },
        999,
      ),
    );
    await until(() => monitor.processes().some((p) => p.id === "evil"), 5000, "evil's own heartbeat");

    expect(bot.drops.counts.sender_mismatch).toBe(101);
    expect(monitor.processes().map((p) => p.id)).toEqual(["evil", "mm1"]);
    expect(monitor.processes().find((p) => p.id === "mm1")?.state).toBe("up");

    child.kill("SIGKILL");
    await until(() => alerts.some((t) => t.includes("mm1 disconnected")), 10_000, "mm1's disconnect alert");
  });
});
