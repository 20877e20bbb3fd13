/**
 * `missionctl demo` with MISSIONCTL_PROXY set (README, Command line): the bot and both demo
 * strategies talk through the proxy instead of the private ipc directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../helpers.ts";
import { type ProxySetup, proxySetup } from "../ipc/proxy-setup.ts";

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function startDemo(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "demo"], {
    env: { ...process.env, TELEGRAM_BOT_TOKEN: "", LOG_LEVEL: "warn", ...env },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (d: Buffer) => {
      out += d.toString();
    });
  }
  cleanups.push(() => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
  });
  return { child, output: () => out };
}

/** One key pair for the demo (the bot and its strategies share it), listed. */
function demoKey(s: ProxySetup): string {
  const pair = s.keys.client("demo", false);
  copyFileSync(pair.publicFile, join(s.keys.allowDir, "demo.key"));
  s.proxy.reload();
  return `${pair.publicFile}_secret`;
}

describe("the demo in proxy mode", () => {
  it("runs the bot and both strategies through the proxy: /status, /exit mm1", async () => {
    const s = await proxySetup();
    cleanups.push(() => s.cleanup());
    const watcher = await s.client("watcher");
    const { child, output } = startDemo({
      MISSIONCTL_PROXY: s.address,
      MISSIONCTL_CERT: demoKey(s),
      MISSIONCTL_PROXY_CERT: join(s.keys.root, "proxy.key"),
    });
    await until(() => /Ctrl-C or "quit" stops everything/.test(output()), 60_000, "the demo banner");
    expect(output()).toContain(`run as child processes through the proxy ${s.address}`);
    expect(output()).not.toContain("still not connected");
    // Seen from another client of the proxy: the bot and both strategies joined it.
    await until(
      () => ["chatops", "mm1", "mm2"].every((id) => watcher.ipc.presence.has(id)),
      10_000,
      "the demo's processes present through the proxy",
    );

    child.stdin?.write("/exit mm1\n");
    await until(() => /mm1: ok, [\d.]+ s/.test(output()), 20_000, "mm1's ok in the chat");
    child.stdin?.write("/status\n");
    await until(() => /mm2 — up/.test(output()), 10_000, "the status listing");
    await until(() => !watcher.ipc.presence.has("mm1"), 10_000, "mm1 gone from the proxy");

    if (child.pid) process.kill(-child.pid, "SIGINT");
    await until(() => /demo stopped/.test(output()), 20_000, "the demo to stop");
    expect(output()).not.toMatch(/crashed|disconnected/);
  }, 120_000);
});
