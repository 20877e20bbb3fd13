import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { watchCommandDir } from "../../src/ipc/discovery.ts";
import {
  commandDir,
  encodeFrame,
  encodeTopic,
  IpcCommandSystem,
  ipcAddress,
  type RequestOptions,
  ZmqTransport,
} from "../../src/ipc/index.ts";
import { nextEvent, tempIpcDir, until } from "../helpers.ts";

const fixture = fileURLToPath(new URL("../fixtures/ipc-child.ts", import.meta.url));

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function setup() {
  const tmp = tempIpcDir();
  const ipcDir = join(tmp.dir, "ipc");
  cleanups.push(tmp.cleanup);
  const make = async (id: string, options: { requestDefaults?: RequestOptions } = {}) => {
    const system = new IpcCommandSystem({ id, transport: new ZmqTransport({ id, ipcDir }), ...options });
    await system.start();
    cleanups.push(() => system.stop());
    return system;
  };
  /** Both hear each other; resolves once `a` sees `b` reachable (its presence and its link). */
  const pair = async (a: IpcCommandSystem, b: IpcCommandSystem) => {
    a.connectToProcess(b.id);
    b.connectToProcess(a.id);
    await until(() => a.isReachable(b.id) && b.isReachable(a.id), 5000, `${a.id} <-> ${b.id}`);
  };
  return { ipcDir, make, pair };
}

function spawnChild(ipcDir: string, id: string, parentId: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ipcDir, id, parentId], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return child;
}

describe("ZeroMQ over ipc", () => {
  it("creates IPC_DIR and IPC_DIR/command with mode 0700 and binds {id}.ipc there", async () => {
    const s = setup();
    await s.make("bot");
    expect(statSync(s.ipcDir).mode & 0o777).toBe(0o700);
    expect(statSync(commandDir(s.ipcDir)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(commandDir(s.ipcDir), "bot.ipc"))).toBe(true);
    expect(ipcAddress(s.ipcDir, "bot")).toBe(`ipc://${join(commandDir(s.ipcDir), "bot.ipc")}`);
  });

  it("round trip between two IpcCommandSystems, with presence on both sides", async () => {
    const s = setup();
    const bot = await s.make("bot");
    const mm1 = await s.make("mm1");
    mm1.registerHandler("ping", (c) => ({ state: "sleeping", echo: c.payload }));
    const joined = nextEvent<[string]>(bot, "connected", (id) => id === "mm1");
    await s.pair(bot, mm1);
    await joined;
    const result = await bot.request("mm1", "ping", { text: "héllo" });
    expect(result.ok).toBe(true);
    expect(result.terminal.get("mm1")?.result).toEqual({ state: "sleeping", echo: { text: "héllo" } });
    expect(result.sends).toBeGreaterThanOrEqual(1);
    expect(bot.pendingRequests).toBe(0);
  });

  it("a request sent before the target exists waits for it to join, then succeeds", async () => {
    const s = setup();
    const bot = await s.make("bot");
    bot.connectToProcess("late");
    const pending = bot.request("late", "ping", {}, { joinWindowMs: 10_000, timeoutMs: 20_000 });
    const late = await s.make("late");
    late.registerHandler("ping", () => ({ late: true }));
    late.connectToProcess("bot");
    const result = await pending;
    expect(result.ok).toBe(true);
    expect(result.terminal.get("late")?.result).toEqual({ late: true });
  });

  it("multicast reaches exactly the matching processes", async () => {
    const s = setup();
    const bot = await s.make("bot");
    const calls: string[] = [];
    for (const id of ["mm1", "mm2", "mx1"]) {
      const p = await s.make(id);
      p.registerHandler("ping", () => {
        calls.push(id);
        return {};
      });
      await s.pair(bot, p);
    }
    const result = await bot.request("mm*", "ping");
    expect(result.expected).toEqual(["mm1", "mm2"]);
    expect(result.ok).toBe(true);
    expect(calls.sort()).toEqual(["mm1", "mm2"]);
  });

  it("malformed frames from a real socket are dropped and counted; the receiver keeps working", async () => {
    const s = setup();
    const mm1 = await s.make("mm1");
    let pings = 0;
    mm1.registerHandler("ping", () => {
      pings++;
      return {};
    });
    const evil = new zmq.XPublisher();
    cleanups.push(() => evil.close());
    await evil.bind(ipcAddress(s.ipcDir, "evil"));
    mm1.connectToProcess("evil");
    // Wait for mm1's subscription (no slow-joiner sleep): the XPUB hands it to us.
    for (;;) {
      const [sub] = await evil.receive();
      if (sub?.toString("latin1", 1) === "mm1.") break;
    }
    const good = {
      command_id: "evil_1_1",
      sender_id: "evil",
      target_id: "mm1",
      command_type: "ping",
      payload: {},
      timestamp: 1,
    };
    const topic = encodeTopic("mm1", "ping");
    await evil.send(Buffer.from("mm1.ping"));
    await evil.send(Buffer.concat([topic, Buffer.from("{no")]));
    await evil.send(Buffer.concat([topic, Buffer.from(JSON.stringify({ ...good, payload: 1 }))]));
    await evil.send(Buffer.concat([topic, Buffer.from(JSON.stringify({ ...good, command_type: "status" }))]));
    await evil.send(encodeFrame({ ...good, payload: { blob: "x".repeat(70_000) } }));
    // Speaking for another process: evil's socket, chatops's name.
    await evil.send(encodeFrame({ ...good, sender_id: "chatops" }));
    // ~20,000 levels of nesting in 40 KB: parses, but would overflow the stack of whoever prints it.
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    await evil.send(Buffer.concat([topic, Buffer.from(JSON.stringify(good).replace("{}", `{"a":${deep}}`))]));
    await evil.send(encodeFrame(good)); // the sentinel: frames on one connection stay in order
    await until(() => pings === 1, 5000, "the valid ping after the garbage");
    expect(mm1.drops.counts).toEqual({
      too_short: 1,
      bad_json: 1,
      bad_schema: 2,
      topic_mismatch: 1,
      too_large: 1,
      sender_mismatch: 1,
    });
  });

  it("discovery sees a new process's .ipc file, and the process can then be heard", async () => {
    const s = setup();
    const bot = await s.make("bot");
    const found: string[] = [];
    const stop = watchCommandDir(
      s.ipcDir,
      (id) => {
        found.push(id);
        bot.connectToProcess(id);
      },
      { exclude: ["bot"] },
    );
    cleanups.push(stop);
    const fresh = await s.make("fresh");
    fresh.registerHandler("ping", () => ({ fresh: true }));
    fresh.connectToProcess("bot");
    await until(() => found.includes("fresh"), 5000, "discovery of fresh.ipc");
    const result = await bot.request("fresh", "ping", {}, { joinWindowMs: 5000 });
    expect(result.ok).toBe(true);
    expect(found).toEqual(["fresh"]);
  });

  it("presence: a child process killed with SIGKILL is reported disconnected, and its pending request settles", async () => {
    const s = setup();
    const bot = await s.make("bot");
    bot.connectToProcess("kid");
    const joined = nextEvent<[string]>(bot, "connected", (id) => id === "kid", 20_000);
    const child = spawnChild(s.ipcDir, "kid", "bot");
    await joined;
    expect(bot.presence.has("kid")).toBe(true);
    await until(() => bot.isReachable("kid"), 5000, "link to kid");

    const ping = await bot.request("kid", "ping");
    expect(ping.ok).toBe(true);
    expect(ping.terminal.get("kid")?.result).toEqual({ pid: child.pid });

    const hang = bot.request("kid", "hang", {}, { timeoutMs: 20_000 });
    const left = nextEvent<[string]>(bot, "disconnected", (id) => id === "kid", 5000);
    const exited = new Promise((r) => child.once("exit", (_code, signal) => r(signal)));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    await left;
    expect(bot.presence.has("kid")).toBe(false);
    const result = await hang;
    expect(result.missing.get("kid")).toBe("disconnected");
    expect(result.ok).toBe(false);
    expect(bot.pendingRequests).toBe(0);
  });

  it("refuses to bind the address of a live process with the same id, and removes its socket file on close", async () => {
    const s = setup();
    const first = await s.make("mm1");
    const path = ipcAddress(s.ipcDir, "mm1").slice("ipc://".length);
    expect(existsSync(path)).toBe(true);
    const thief = new IpcCommandSystem({
      id: "mm1",
      transport: new ZmqTransport({ id: "mm1", ipcDir: s.ipcDir }),
    });
    await expect(thief.start()).rejects.toMatchObject({ code: "ADDRESS_IN_USE" });
    // The first one still owns its address: a peer can talk to it.
    const bot = await s.make("bot");
    first.registerHandler("ping", () => ({ who: "first" }));
    await s.pair(bot, first);
    expect((await bot.request("mm1", "ping")).terminal.get("mm1")?.result).toEqual({ who: "first" });
    await first.stop();
    expect(existsSync(path)).toBe(false);
  });

  it("a socket file left by a SIGKILLed process is stale: a new process with that id binds it", async () => {
    const s = setup();
    const bot = await s.make("bot");
    bot.connectToProcess("kid");
    const joined = nextEvent<[string]>(bot, "connected", (id) => id === "kid", 20_000);
    const child = spawnChild(s.ipcDir, "kid", "bot");
    await joined;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(join(commandDir(s.ipcDir), "kid.ipc"))).toBe(true);
    const again = await s.make("kid");
    again.registerHandler("ping", () => ({ again: true }));
    again.connectToProcess("bot");
    const r = await bot.request("kid", "ping", {}, { joinWindowMs: 10_000 });
    expect(r.terminal.get("kid")?.result).toEqual({ again: true });
  });
});
