/**
 * The proxy as a process on its own bus: its heartbeats reach admitted subscribers, publishers see
 * its `{id}.` subscription (the bot's presence), it answers ping and status, and it says `stopped`
 * when it closes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, type IpcCommand } from "../../src/ipc/codec.ts";
import { subscriptionPrefixes } from "../../src/ipc/ids.ts";
import type { ProxyHandle } from "../../src/proxy/proxy.ts";
import { until } from "../helpers.ts";
import {
  curveClient,
  type KeyDir,
  makeKeyDir,
  publisher,
  publishUntil,
  Sockets,
  startProxyOnFreePort,
  subscriber,
} from "./helpers.ts";

let keys: KeyDir;
let proxy: ProxyHandle | undefined;
const sockets = new Sockets();

beforeEach(() => {
  keys = makeKeyDir();
});

afterEach(async () => {
  sockets.closeAll();
  await proxy?.close();
  proxy = undefined;
  keys.cleanup();
});

const commands = (frames: Buffer[]): IpcCommand[] =>
  frames.flatMap((f) => {
    const d = decodeFrame(f);
    return d.ok ? [d.command] : [];
  });

describe("the proxy's own process", () => {
  it("publishes heartbeats as `proxy` that reach an admitted subscriber", async () => {
    const mm1 = keys.client("mm1");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, heartbeatMs: 100 });
    const { frames } = subscriber(
      sockets,
      proxy,
      curveClient(proxy.publicKey, mm1),
      subscriptionPrefixes("mm1"),
    );
    await until(
      () => commands(frames).filter((c) => c.command_type === "heartbeat").length >= 2,
      5000,
      "two heartbeats",
    );
    const [first, second] = commands(frames).filter((c) => c.command_type === "heartbeat");
    expect(first).toMatchObject({ sender_id: "proxy", target_id: "*", command_type: "heartbeat" });
    expect(first?.payload).toMatchObject({ state: "running", pid: process.pid, interval_ms: 100 });
    expect(first?.payload.uptime_s).toBeTypeOf("number");
    expect((second?.payload.seq as number) - (first?.payload.seq as number)).toBe(1);
  });

  it("is present to publishers as `proxy.` (or its --id), like any process", async () => {
    const bot = keys.client("bot");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, id: "hub" });
    const { seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    await until(() => seen.includes("+hub."), 5000, "+hub.");
    expect(seen).toContain("+*.");
  });

  it("answers ping and status sent through itself", async () => {
    const cli = keys.client("cli");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    const { pub, seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, cli));
    const { frames } = subscriber(sockets, proxy, curveClient(proxy.publicKey, cli), ["cli."]);
    await until(() => seen.includes("+proxy.") && seen.includes("+cli."), 5000, "both subscriptions");
    const ping: IpcCommand = {
      command_id: "cli_1_1",
      sender_id: "cli",
      target_id: "proxy",
      command_type: "ping",
      payload: {},
      timestamp: Date.now() * 1000,
    };
    const replies = () => commands(frames).filter((c) => c.command_type === "reply");
    // Re-sent until answered, as a requester does; the proxy answers a repeat from memory.
    await publishUntil(pub, encodeFrame(ping), () => replies().length > 0);
    expect(replies()[0]?.payload).toEqual({
      reply_to: "cli_1_1",
      status: "ok",
      result: { state: "running" },
    });
    const status = { ...ping, command_id: "cli_1_2", command_type: "status" };
    await publishUntil(pub, encodeFrame(status), () =>
      replies().some((r) => r.payload.reply_to === "cli_1_2"),
    );
    const result = replies().find((r) => r.payload.reply_to === "cli_1_2")?.payload.result;
    expect(result).toMatchObject({ state: "running", allowed_keys: 1, pid: process.pid });
  });

  it("publishes `stopped` when it closes", async () => {
    const mm1 = keys.client("mm1");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, heartbeatMs: 100 });
    const { frames } = subscriber(
      sockets,
      proxy,
      curveClient(proxy.publicKey, mm1),
      subscriptionPrefixes("mm1"),
    );
    await until(() => commands(frames).some((c) => c.command_type === "heartbeat"), 5000, "a heartbeat");
    await proxy.close("SIGTERM");
    await until(() => commands(frames).some((c) => c.command_type === "stopped"), 2000, "stopped");
    const stopped = commands(frames).find((c) => c.command_type === "stopped");
    expect(stopped).toMatchObject({
      sender_id: "proxy",
      target_id: "*",
      payload: { reason: "SIGTERM", exit_code: 0 },
    });
  });
});
