/**
 * Proxy mode (docs/protocol.md, Several hosts): IpcCommandSystems over ProxyTransport through a
 * real CURVE proxy on loopback tcp. Round trips, groups, presence (a SIGKILLed child, an
 * overlapping restart, the proxy itself going away), and admission: a plaintext peer and an
 * unlisted key reach nothing, and a key listed later gets in without a restart.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Subscriber, XPublisher } from "zeromq";
import { encodeFrame, type IpcCommand } from "../../src/ipc/codec.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { ProxyTransport } from "../../src/ipc/proxy-transport.ts";
import { startProxy } from "../../src/proxy/proxy.ts";
import { nextEvent, pollFor, until } from "../helpers.ts";
import { captureLog, sleep } from "../proxy/helpers.ts";
import { freezeRelay } from "./freeze-relay.ts";
import { type ProxySetup, proxySetup } from "./proxy-setup.ts";

const fixture = fileURLToPath(new URL("../fixtures/proxy-child.ts", import.meta.url));

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(): Promise<ProxySetup> {
  const s = await proxySetup();
  cleanups.push(() => s.cleanup());
  return s;
}

const reachable = (a: IpcCommandSystem, b: IpcCommandSystem) =>
  until(() => a.isReachable(b.id) && b.isReachable(a.id), 10_000, `${a.id} <-> ${b.id} through the proxy`);

/** Messages (commands and events) a system hears, with the peer the transport gave. */
function heard(ipc: IpcCommandSystem): { command: IpcCommand; peer: string | undefined }[] {
  const out: { command: IpcCommand; peer: string | undefined }[] = [];
  ipc.on("message", (command, peer) => out.push({ command, peer }));
  return out;
}

let children = 0;

/** A `proxy-child.ts` process with a key of its own, listed (and the proxy reloaded) first. */
function spawnChild(s: ProxySetup, id: string): { child: ChildProcess; ready: Promise<void> } {
  const name = `${id}-child${++children}`;
  const own = s.keys.client(name, false); // its secret file stays in clients/, mode 0600
  copyFileSync(own.publicFile, join(s.keys.allowDir, `${name}.key`));
  s.proxy.reload();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fixture, s.address, `${own.publicFile}_secret`, proxyCertOf(s), id],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`child ${id} exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

describe("ProxyTransport through a CURVE proxy", () => {
  it("round trip: request and reply, each side present to the other, frames handed up with no peer", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const mm1 = (await s.client("mm1")).ipc;
    mm1.registerHandler("ping", (c) => ({ state: "sleeping", echo: c.payload }));
    const mm1Heard = heard(mm1);
    await reachable(bot, mm1);
    expect(bot.proxyLinkUp).toBe(true);
    expect(bot.transport.proxy).toBe(s.address);
    const result = await bot.request("mm1", "ping", { text: "héllo" });
    expect(result.ok).toBe(true);
    expect(result.terminal.get("mm1")?.result).toEqual({ state: "sleeping", echo: { text: "héllo" } });
    expect(mm1Heard.map((m) => [m.command.command_type, m.peer])).toContainEqual(["ping", undefined]);
    // A process is not its own peer: its `{id}.` coming back through the proxy is not presence.
    expect(bot.presence.has("bot")).toBe(false);
    expect(bot.heardProcesses()).toEqual([]);
  });

  it("broadcast and multicast reach every matching process once, never the sender itself", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const systems = await Promise.all(["mm1", "mm2", "mx"].map(async (id) => (await s.client(id)).ipc));
    for (const p of systems) p.registerHandler("ping", () => ({ id: p.id }));
    bot.registerHandler("ping", () => ({ id: "bot" }));
    const botHeard = heard(bot);
    for (const p of systems) await reachable(bot, p);
    // Everyone subscribes `*.` and `m*.`: shared topics make no one present, the ids do.
    expect(bot.presence.ids().filter((id) => id !== s.proxy.id)).toEqual(["mm1", "mm2", "mx"]);

    const multi = await bot.request("mm*", "ping", {});
    expect(multi.expected).toEqual(["mm1", "mm2"]);
    expect(multi.ok).toBe(true);
    const all = await bot.request("*", "ping", {});
    expect(all.terminal.has("bot")).toBe(false);
    expect([...all.terminal.keys()].sort()).toEqual(expect.arrayContaining(["mm1", "mm2", "mx"]));
    expect(all.ok).toBe(true);
    // Our SUB hears our own `*.ping` through the proxy: it is not run, nor seen as a message.
    expect(botHeard.filter((m) => m.command.sender_id === "bot")).toEqual([]);
  });

  it("presence: a SIGKILLed child's unsubscription reaches the others; an overlapping restart stays present", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const first = spawnChild(s, "mm1");
    await first.ready;
    await until(() => bot.isReachable("mm1"), 10_000, "mm1 present");
    expect((await bot.request("mm1", "ping", {})).ok).toBe(true);

    // A second mm1 joins before the first dies (a restart overlapping its predecessor).
    const second = spawnChild(s, "mm1");
    await second.ready;
    const left: string[] = [];
    bot.on("disconnected", (id) => left.push(id));
    first.child.kill("SIGKILL");
    await sleep(1000);
    expect(left).toEqual([]);
    expect(bot.presence.has("mm1")).toBe(true);
    const answer = await bot.request("mm1", "ping", {});
    expect(answer.terminal.get("mm1")?.result).toEqual({ pid: second.child.pid });

    const gone = nextEvent<[string]>(bot, "disconnected", (id) => id === "mm1", 5000);
    const killedAt = Date.now();
    second.child.kill("SIGKILL");
    await gone;
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(bot.isReachable("mm1")).toBe(false);
  });

  it("losing the proxy: one proxyLink(false) with every process gone, then back by itself", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const mm1 = (await s.client("mm1")).ipc;
    mm1.registerHandler("ping", () => ({}));
    await reachable(bot, mm1);
    const links: boolean[] = [];
    bot.on("proxyLink", (up) => links.push(up));

    const lost = nextEvent<[boolean]>(bot, "proxyLink", (up) => !up, 10_000);
    await s.proxy.close();
    await lost;
    await until(() => !bot.presence.has("mm1"), 5000, "mm1's presence gone with the proxy");
    expect(bot.isReachable("mm1")).toBe(false);

    // The same proxy comes back at the same address: nobody has to act.
    const again = await startProxy({
      bind: s.address,
      cert: s.keys.proxyCert,
      allowDir: s.keys.allowDir,
      heartbeatMs: 60_000,
    });
    cleanups.push(() => again.close());
    await reachable(bot, mm1);
    expect(links).toEqual([false, true]);
    expect((await bot.request("mm1", "ping", {})).ok).toBe(true);
  });

  it("a link cut without FIN is seen through ZMTP heartbeats: proxyLink(false) here, unsubscribed there", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const relay = await freezeRelay(Number(s.address.split(":").pop()));
    cleanups.push(() => relay.close());
    const far = (await s.client("far", { via: relay.address, timings: { heartbeatMs: 200, timeoutMs: 600 } }))
      .ipc;
    await reachable(bot, far);
    const lostHere = nextEvent<[boolean]>(far, "proxyLink", (up) => !up, 5000);
    // The proxy's side runs its own heartbeats (1 s / 3 s): the far process is unsubscribed there.
    const goneThere = nextEvent<[string]>(bot, "disconnected", (id) => id === "far", 6000);
    const cutAt = Date.now();
    relay.freeze();
    await lostHere;
    expect(Date.now() - cutAt).toBeLessThan(2000);
    await goneThere;
    expect(Date.now() - cutAt).toBeLessThan(5000);
  });
});

describe("admission", () => {
  it("a plaintext peer (no CURVE) reaches nothing and hears nothing", async () => {
    const s = await setup();
    const mm1 = (await s.client("mm1")).ipc;
    const mm1Heard = heard(mm1);
    const bot = (await s.client("bot")).ipc;
    await reachable(bot, mm1);

    const pub = new XPublisher({ verbosity: "allSubsUnsubs", linger: 0 });
    const sub = new Subscriber({ linger: 0 });
    cleanups.push(() => {
      pub.close();
      sub.close();
    });
    const subscriptions: string[] = [];
    void (async () => {
      for await (const [m] of pub) if (m) subscriptions.push(m.toString("latin1", 1));
    })().catch(() => {});
    const frames: Buffer[] = [];
    void (async () => {
      for await (const [f] of sub) if (f) frames.push(f);
    })().catch(() => {});
    sub.subscribe("");
    pub.connect(s.proxy.frontend);
    sub.connect(s.proxy.backend);
    const forged = encodeFrame({
      command_id: "bot_1_1",
      sender_id: "bot",
      target_id: "mm1",
      command_type: "ping",
      payload: {},
      timestamp: 1,
    });
    for (let i = 0; i < 10; i++) {
      await pub.send(forged);
      await bot.sendCommand("*", "heartbeat", { seq: i });
      await sleep(50);
    }
    expect(mm1Heard.map((m) => m.command.command_type)).not.toContain("ping");
    expect(mm1Heard.map((m) => m.command.command_type)).toContain("heartbeat");
    expect(frames).toEqual([]);
    expect(subscriptions).toEqual([]);
  });

  it("an unlisted key reaches nothing and is logged once; listed later, it gets in without a restart", async () => {
    const s = await setup();
    const bot = (await s.client("bot")).ipc;
    const { logger, lines } = captureLog();
    const late = await s.client("late", {
      listed: false,
      logger,
      refusedBackoff: { baseMs: 100, maxMs: 400 },
    });
    late.ipc.registerHandler("ping", () => ({ late: true }));
    const refused = () =>
      lines.filter((l) => String(l.msg).includes(`refused our key ${late.publicKey}`) && l.level === 50);
    await pollFor(() => refused().length > 0, 5000, "the refusal logged");
    expect(String(refused()[0]?.msg)).toContain("add late.key to its allow dir");
    // Several refusals (each re-created socket is refused again), one line.
    await sleep(1200);
    expect(refused()).toHaveLength(1);
    expect(lines.filter((l) => l.msg === "proxy handshake failed again").length).toBeGreaterThan(1);
    expect(bot.presence.has("late")).toBe(false);
    expect(late.ipc.proxyLinkUp).toBe(false);
    // The proxy saw the very key this transport was built with: the CURVE options took effect.
    expect(JSON.stringify(s.proxyLog)).toContain(late.publicKey);

    late.admit();
    await reachable(bot, late.ipc);
    expect((await bot.request("late", "ping", {})).terminal.get("late")?.result).toEqual({ late: true });
    expect(lines.some((l) => l.msg === "the proxy admitted us")).toBe(true);
  });

  it("a wrong proxy certificate is logged once, naming MISSIONCTL_PROXY_CERT, and admits nothing", async () => {
    const s = await setup();
    const { logger, lines } = captureLog();
    const pair = s.keys.client("lost");
    s.proxy.reload();
    const wrongServer = s.keys.client("not-the-proxy", false).publicKey;
    const transport = new ProxyTransport({
      id: "lost",
      proxy: s.address,
      curve: { publicKey: pair.publicKey, secretKey: pair.secretKey, serverKey: wrongServer },
      logger,
    });
    const ipc = new IpcCommandSystem({ transport });
    cleanups.push(() => ipc.stop());
    await ipc.start();
    const failed = () =>
      lines.filter((l) => String(l.msg).includes("is MISSIONCTL_PROXY_CERT its public certificate?"));
    await pollFor(() => failed().length > 0, 5000, "the failure logged");
    await sleep(1500); // libzmq retries by itself, and fails again each time
    expect(failed()).toHaveLength(1);
    expect(ipc.proxyLinkUp).toBe(false);
  });

  it("connect and disconnect only keep books: a peer address is ignored with a warning", async () => {
    const s = await setup();
    const { logger, lines } = captureLog();
    const c = await s.client("solo", { logger });
    c.ipc.connectToProcess("mm1=tcp://127.0.0.1:7001");
    c.ipc.connectToProcess("mm2");
    expect(c.ipc.heardProcesses()).toEqual(["mm1", "mm2"]);
    expect(lines.filter((l) => l.msg === "peer address ignored in proxy mode")).toHaveLength(1);
  });
});

/** The proxy's public certificate, next to its secret one. */
const proxyCertOf = (s: ProxySetup) => s.keys.proxyCert.replace(/_secret$/, "");
