/**
 * A pyzmq peer in proxy mode (test/interop/proxy_peer.py, written from docs/protocol.md) and a
 * TypeScript process over ProxyTransport ping each other through a real CURVE proxy.
 */
import { spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { until } from "../helpers.ts";
import { proxySetup } from "../ipc/proxy-setup.ts";
import { describePython, PYTHON } from "../python.ts";

const peerScript = fileURLToPath(new URL("./proxy_peer.py", import.meta.url));

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describePython("interop in proxy mode with a Python process (pyzmq)", () => {
  it("pings both ways through the proxy with CURVE keys from zmq.auth certificate files", async () => {
    const s = await proxySetup();
    cleanups.push(() => s.cleanup());
    const ts = (await s.client("tsbot")).ipc;
    ts.registerHandler("ping", () => ({ lang: "typescript" }));
    const py = s.keys.client("pypeer", false);
    copyFileSync(py.publicFile, join(s.keys.allowDir, "pypeer.key"));
    s.proxy.reload();

    const child = spawn(
      PYTHON,
      [peerScript, s.address, `${py.publicFile}_secret`, join(s.keys.root, "proxy.key"), "pypeer", "tsbot"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    const events: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on("line", (l) => events.push(JSON.parse(l)));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

    await until(() => ts.isReachable("pypeer"), 20_000, "the Python peer present through the proxy");
    const result = await ts.request("pypeer", "ping", {});
    expect(result.terminal.get("pypeer")?.result).toEqual({ lang: "python" });
    expect(await exited).toBe(0);
    expect(events).toContainEqual({
      event: "reply",
      from: "tsbot",
      payload: expect.objectContaining({ status: "ok", result: { lang: "typescript" } }),
    });
    expect(events).toContainEqual({ event: "answered", from: "tsbot" });
  });
});
