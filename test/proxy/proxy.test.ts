/**
 * The proxy on loopback tcp (docs/protocol.md, several hosts): admitted clients talk through it,
 * publishers see subscribers come and go, and everyone else — an unlisted key, a plaintext client,
 * any client once the ZAP handler is gone — gets nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { XPublisher } from "zeromq";
import { subscriptionPrefixes } from "../../src/ipc/ids.ts";
import { ProxyError } from "../../src/proxy/errors.ts";
import { type ProxyHandle, startProxy } from "../../src/proxy/proxy.ts";
import { until } from "../helpers.ts";
import {
  captureLog,
  curveClient,
  type KeyDir,
  makeKeyDir,
  publisher,
  publishUntil,
  Sockets,
  sleep,
  startProxyOnFreePort,
  subscriber,
} from "./helpers.ts";

let keys: KeyDir;
let proxy: ProxyHandle | undefined;
let child: ChildProcess | undefined;
const sockets = new Sockets();

beforeEach(() => {
  keys = makeKeyDir();
});

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  sockets.closeAll();
  await proxy?.close();
  proxy = undefined;
  keys.cleanup();
});

describe("starting", () => {
  it("a taken PORT or PORT + 1 is ADDRESS_IN_USE, and the ZAP handler is released for the next try", async () => {
    // A blocker on some PORT + 1 (retried until a bind succeeds): the proxy must refuse PORT.
    const blocker = sockets.add(new XPublisher());
    let port = 0;
    for (let bound = false; !bound; ) {
      port = 20_000 + Math.floor(Math.random() * 40_000);
      bound = await blocker.bind(`tcp://127.0.0.1:${port + 1}`).then(
        () => true,
        () => false,
      );
    }
    const failed = startProxy({
      bind: `tcp://127.0.0.1:${port}`,
      cert: keys.proxyCert,
      allowDir: keys.allowDir,
    });
    await expect(failed).rejects.toThrow(ProxyError);
    await expect(failed).rejects.toMatchObject({ code: "ADDRESS_IN_USE" });
    blocker.close();
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
  });

  it("a second proxy in the same process is refused (one ZAP handler per context): ZAP_IN_USE", async () => {
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    await expect(
      startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir }),
    ).rejects.toMatchObject({
      code: "ZAP_IN_USE",
    });
  });

  it("a public certificate as --cert is refused: the proxy needs its secret key", async () => {
    await expect(
      startProxyOnFreePort({ cert: keys.proxyCert.replace(/_secret$/, ""), allowDir: keys.allowDir }),
    ).rejects.toMatchObject({ code: "BAD_CERT" });
  });
});

describe("admitted clients", () => {
  it("a publisher's frame reaches a subscriber, and the publisher sees the subscriber's {id}. subscribe and unsubscribe", async () => {
    const a = keys.client("pubber");
    const b = keys.client("mm1");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    const { pub, seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, a));
    const { sub, frames } = subscriber(
      sockets,
      proxy,
      curveClient(proxy.publicKey, b),
      subscriptionPrefixes("mm1"),
    );
    await until(() => seen.includes("+mm1."), 5000, "the publisher to see +mm1.");
    await publishUntil(pub, "mm1.ping hello", () => frames.length > 0);
    expect(frames[0]?.toString()).toBe("mm1.ping hello");
    sub.close();
    await until(() => seen.includes("-mm1."), 2000, "the publisher to see -mm1.");
    expect(seen.filter((s) => s === "+mm1.")).toHaveLength(1);
    expect(seen.filter((s) => s === "-mm1.")).toHaveLength(1);
  });

  it("two sockets with the same id: one subscribe, and one unsubscribe only once both are gone", async () => {
    const bot = keys.client("bot");
    const mm1 = keys.client("mm1");
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    const { seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const first = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await until(() => seen.includes("+mm1."), 5000, "+mm1.");
    // A restarted mm1 overlapping its predecessor: presence must not end when the old socket goes.
    const second = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await sleep(300);
    first.sub.close();
    await sleep(300);
    const mm1Seen = () => seen.filter((s) => s.slice(1) === "mm1.");
    expect(mm1Seen()).toEqual(["+mm1."]);
    second.sub.close();
    await until(() => seen.includes("-mm1."), 2000, "-mm1.");
    expect(mm1Seen()).toEqual(["+mm1.", "-mm1."]);
  });

  it("a SIGKILLed subscriber's unsubscription reaches the publisher within a second", async () => {
    const [bot, mm1] = [keys.client("bot"), keys.client("mm1")];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    const { seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const options = JSON.stringify(curveClient(proxy.publicKey, mm1));
    const code = `import { Subscriber } from "zeromq"; const s = new Subscriber(${options}); s.subscribe("mm1."); s.connect(${JSON.stringify(proxy.backend)}); setInterval(() => {}, 1000);`;
    child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "ignore" });
    await until(() => seen.includes("+mm1."), 10_000, "+mm1. from the child");
    const killedAt = Date.now();
    child.kill("SIGKILL");
    await until(() => seen.includes("-mm1."), 1000, "-mm1. after SIGKILL");
    expect(Date.now() - killedAt).toBeLessThan(1000);
  });

  it("a publisher that connects after the subscriber still sees its subscription", async () => {
    const [bot, mm1] = [keys.client("bot"), keys.client("mm1")];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await sleep(300);
    const { seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    await until(() => seen.includes("+mm1."), 5000, "+mm1. replayed to a late publisher");
  });
});

describe("refused clients", () => {
  it("a client with an unlisted key receives nothing, and the refusal is logged with its key and address", async () => {
    const { logger, lines } = captureLog();
    const [bot, stranger] = [keys.client("bot"), keys.client("stranger", false)];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, logger });
    const { pub } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const { frames } = subscriber(sockets, proxy, curveClient(proxy.publicKey, stranger), ["mm1."]);
    await publishUntil(pub, "mm1.ping", () => false, 800);
    expect(frames).toEqual([]);
    const refusal = lines.find((l) => typeof l.msg === "string" && l.msg.startsWith("refused"));
    expect(refusal).toMatchObject({
      key: stranger.publicKey,
      address: "127.0.0.1",
      reason: "key not in the allow list",
    });
    expect(proxy.zap.answered["400"]).toBeGreaterThan(0);
  });

  it("a flood of refused attempts is logged at most about once a second, with a suppressed count", async () => {
    const { logger, lines } = captureLog();
    const stranger = keys.client("stranger", false);
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, logger });
    for (let i = 0; i < 30; i++) subscriber(sockets, proxy, curveClient(proxy.publicKey, stranger), ["x."]);
    await until(() => (proxy?.refusals.total ?? 0) >= 30, 5000, "30 refusals");
    await sleep(1200); // the end of the interval: the line that counts the rest
    const refusedLines = lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("refused"));
    expect(refusedLines.length).toBeLessThanOrEqual(3);
    expect(refusedLines.reduce((n, l) => n + 1 + (l.suppressed as number), 0)).toBe(proxy.refusals.total);
  });

  it("a plaintext client (no CURVE) receives nothing", async () => {
    const [bot, mm1] = [keys.client("bot"), keys.client("mm1")];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    const { pub } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const { frames } = subscriber(sockets, proxy, {}, ["mm1."]);
    const plainPub = publisher(sockets, proxy, {});
    const listener = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await publishUntil(pub, "mm1.ping", () => false, 800);
    await plainPub.pub.send("mm1.forged");
    await sleep(200);
    expect(frames).toEqual([]);
    expect(plainPub.seen).toEqual([]); // the plaintext publisher hears no subscription either
    expect(listener.frames.map(String)).not.toContain("mm1.forged");
    expect(proxy.zap.answered["200"]).toBe(2); // the two CURVE clients, no one else
  });

  it("with the ZAP handler gone, nobody is admitted, listed keys included (fail closed)", async () => {
    const [bot, mm1] = [keys.client("bot"), keys.client("mm1")];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir });
    await proxy.zap.close();
    const { pub, seen } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const { frames } = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await publishUntil(pub, "mm1.ping", () => false, 800);
    expect(frames).toEqual([]);
    expect(seen).toEqual([]);
  });
});

describe("reloading the allow directory", () => {
  it("a removed key file + reload: new connections with that key are refused; the log says it was admitted", async () => {
    const { logger, lines } = captureLog();
    const [bot, mm1] = [keys.client("bot"), keys.client("mm1")];
    proxy = await startProxyOnFreePort({
      cert: keys.proxyCert,
      allowDir: keys.allowDir,
      logger,
      watch: false,
    });
    const { pub } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    const before = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await publishUntil(pub, "mm1.one", () => before.frames.length > 0);
    expect(before.frames.length).toBeGreaterThan(0);

    rmSync(mm1.publicFile);
    const change = proxy.reload();
    expect(change.removed.map((r) => r.file)).toEqual(["mm1.key"]);
    expect(change.stillAdmitted.map((r) => r.key)).toEqual([mm1.publicKey]);
    const warning = lines.find((l) => typeof l.msg === "string" && l.msg.includes("no longer listed"));
    expect(warning?.msg).toContain(mm1.publicKey);
    expect(warning?.msg).toContain("restart the proxy");

    const after = subscriber(sockets, proxy, curveClient(proxy.publicKey, mm1), ["mm1."]);
    await publishUntil(pub, "mm1.two", () => false, 800);
    expect(after.frames).toEqual([]);
    // ZeroMQ does not cut the connection it admitted before: the old socket still hears.
    expect(before.frames.map(String)).toContain("mm1.two");
  });

  it("a key file added to the directory is admitted without a signal (the directory is watched)", async () => {
    const { logger, lines } = captureLog();
    const [bot, late] = [keys.client("bot"), keys.client("late", false)];
    proxy = await startProxyOnFreePort({ cert: keys.proxyCert, allowDir: keys.allowDir, logger });
    const { pub } = publisher(sockets, proxy, curveClient(proxy.publicKey, bot));
    copyFileSync(late.publicFile, join(keys.allowDir, "late.key"));
    await until(
      () => lines.some((l) => l.msg === "allow list loaded" && (l.added as string[]).includes("late.key")),
      3000,
      "the watch to reload",
    );
    const { frames } = subscriber(sockets, proxy, curveClient(proxy.publicKey, late), ["late."]);
    await publishUntil(pub, "late.ping", () => frames.length > 0);
    expect(frames.length).toBeGreaterThan(0);
  });
});
