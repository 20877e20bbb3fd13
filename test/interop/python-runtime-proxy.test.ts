/**
 * The Python package in proxy mode: `python3 -m missionctl.strategy` and `python3 -m missionctl.send`
 * with MISSIONCTL_PROXY / MISSIONCTL_CERT / MISSIONCTL_PROXY_CERT, through a real CURVE proxy, with
 * TypeScript clients of the same proxy on the other side.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { tempIpcDir, until } from "../helpers.ts";
import { type ProxySetup, proxySetup } from "../ipc/proxy-setup.ts";
import { describePython } from "../python.ts";
import { type PyProcess, startPython, strategyArgv } from "./python-child.ts";

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A key pair for `name` and the environment of a Python process in proxy mode using it. */
function proxyEnv(s: ProxySetup, name: string, listed: boolean): Record<string, string> {
  // Made outside the allow directory, which keeps public files only; listed by copying the public one.
  const pair = s.keys.client(name, false);
  if (listed) copyFileSync(pair.publicFile, join(s.keys.allowDir, `${name}.key`));
  return {
    MISSIONCTL_PROXY: s.address,
    MISSIONCTL_CERT: `${pair.publicFile}_secret`,
    MISSIONCTL_PROXY_CERT: join(s.keys.root, "proxy.key"),
  };
}

async function setup(): Promise<{ s: ProxySetup; ipcDir: string }> {
  const s = await proxySetup();
  cleanups.push(() => s.cleanup());
  const tmp = tempIpcDir();
  cleanups.push(tmp.cleanup);
  return { s, ipcDir: join(tmp.dir, "ipc") };
}

function python(args: string[], ipcDir: string, env: Record<string, string>): PyProcess {
  const py = startPython(args, ipcDir, env);
  cleanups.push(() => py.kill());
  return py;
}

describePython("the Python package through the proxy (CURVE)", () => {
  it("a Python strategy is present, answers, wakes and exits through the proxy; its death is seen", async () => {
    const { s, ipcDir } = await setup();
    const bot = (await s.client("chatops")).ipc;
    const env = proxyEnv(s, "pyprox", true);
    s.proxy.reload();
    const py = python(strategyArgv("pyprox", "--step-ms", "0", "--interval-ms", "600000"), ipcDir, env);
    await until(() => bot.isReachable("pyprox") || py.exited(), 20_000, "pyprox present through the proxy");
    expect(bot.isReachable("pyprox"), py.output()).toBe(true);

    const ping = await bot.request("pyprox", "ping", {}, { timeoutMs: 10_000 });
    expect(ping.ok, py.output()).toBe(true);
    const wake = await bot.request("pyprox", "wake", {}, { timeoutMs: 10_000 });
    expect(wake.terminal.get("pyprox")?.result).toEqual({ state: "running" });
    let step: unknown;
    for (let i = 0; i < 200 && step !== 2; i++) {
      step = (await bot.request("pyprox", "status", {}, { timeoutMs: 5000 })).terminal.get("pyprox")?.result
        ?.step;
    }
    expect(step).toBe(2);

    py.proc.kill("SIGKILL");
    await until(() => !bot.presence.has("pyprox"), 20_000, "pyprox gone from presence");
  });

  it("finish_and_exit through the proxy: accepted → stopped → ok, exit 0", async () => {
    const { s, ipcDir } = await setup();
    const bot = (await s.client("chatops")).ipc;
    const stopped: string[] = [];
    bot.on("message", (c) => {
      if (c.command_type === "stopped") stopped.push(c.sender_id);
    });
    const env = proxyEnv(s, "pyexit", true);
    s.proxy.reload();
    const py = python(strategyArgv("pyexit", "--step-ms", "0", "--interval-ms", "600000"), ipcDir, env);
    await until(() => bot.isReachable("pyexit") || py.exited(), 20_000, "pyexit present");
    const statuses: string[] = [];
    const r = await bot.request("pyexit", "finish_and_exit", {}, { onReply: (e) => statuses.push(e.status) });
    expect(r.terminal.get("pyexit")?.result).toEqual({
      state: "stopping",
      reason: "finish_and_exit",
      exit_code: 0,
    });
    expect(statuses).toEqual(["accepted", "ok"]);
    expect((await py.done).code).toBe(0);
    expect(stopped).toEqual(["pyexit"]);
  });

  it("a key the proxy does not list yet: refused, logged, then admitted without a restart once listed", async () => {
    const { s, ipcDir } = await setup();
    const bot = (await s.client("chatops")).ipc;
    const env = proxyEnv(s, "pylate", false);
    const py = python(strategyArgv("pylate", "--step-ms", "0", "--interval-ms", "600000"), ipcDir, env);
    await until(() => py.stdout().includes("refused our key") || py.exited(), 20_000, "the refusal logged");
    expect(py.stdout()).toMatch(/add our public key [\w.:/+=^!?*&<>()[\]{}@%$#-]{40} to its allow directory/);
    expect(bot.isReachable("pylate")).toBe(false);

    copyFileSync(join(s.keys.root, "clients", "pylate.key"), join(s.keys.allowDir, "pylate.key"));
    s.proxy.reload();
    await until(() => bot.isReachable("pylate") || py.exited(), 40_000, "pylate admitted after listing");
    expect((await bot.request("pylate", "ping", {})).ok, py.output()).toBe(true);
  });

  it("python3 -m missionctl.send reaches TypeScript processes through the proxy, unicast and group", async () => {
    const { s, ipcDir } = await setup();
    const env = proxyEnv(s, "cli", true);
    for (const id of ["ts1", "ts2"]) {
      const c = (await s.client(id)).ipc;
      c.registerHandler("hello", () => ({ me: id }));
    }
    s.proxy.reload();
    const one = await python(["-m", "missionctl.send", "ts1", "hello", "--timeout", "10000"], ipcDir, env)
      .done;
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout.trim())).toMatchObject({
      sender_id: "ts1",
      target_id: "cli",
      payload: { status: "ok", result: { me: "ts1" } },
    });
    const group = await python(["-m", "missionctl.send", "ts*", "hello", "--timeout", "10000"], ipcDir, env)
      .done;
    expect(group.code, group.stderr).toBe(0);
    const senders = group.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).sender_id)
      .sort();
    expect(senders).toEqual(["ts1", "ts2"]);
  });
});
