/**
 * A host that vanishes without closing its connections: in network namespaces (root only), the
 * link of a strategy's host to the hub is cut, and the time to the monitor's `disconnected` alert
 * is measured (ZMTP heartbeats 1 s / 3 s, then the 300 ms settle window). Skipped without root.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { writeCertificatePair } from "../src/proxy/certs.ts";
import { createNetwork, netnsAvailable } from "../test/hosts/netns.ts";
import { missionctlArgs } from "./build.ts";
import { pct, progress, sleep, tempDir, waitFor } from "./common.ts";

/** Two: a third incident within a minute would make the process "flapping", its alerts folded. */
const ROUNDS = 2;

export interface LinkDownResult {
  /** Undefined where network namespaces cannot be made (not root). */
  link_down_alert_ms?: number;
  link_down_alert_max_ms?: number;
}

export async function benchLinkDown(): Promise<LinkDownResult> {
  if (!netnsAvailable()) {
    progress("link-down", "skipped: `ip netns add` needs root");
    return {};
  }
  const dir = tempDir();
  const keys = join(dir, "keys");
  const allow = join(dir, "allow");
  mkdirSync(keys, { mode: 0o700 });
  mkdirSync(allow, { mode: 0o755 });
  for (const name of ["proxy", "bot", "host"]) writeCertificatePair(keys, name);
  for (const name of ["bot", "host"]) copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  const net = createNetwork(["b"]);
  const { hub, b } = net.hosts as Record<"hub" | "b", never>;
  const env = (address: string, cert: string) => ({
    MISSIONCTL_PROXY: `tcp://${address}:7200`,
    MISSIONCTL_CERT: join(keys, `${cert}.key_secret`),
    MISSIONCTL_PROXY_CERT: join(keys, "proxy.key"),
    LOG_LEVEL: "warn",
  });
  const node = process.execPath;
  try {
    const proxyArgs = [
      "proxy",
      "--bind",
      "tcp://0.0.0.0:7200",
      "--cert",
      join(keys, "proxy.key_secret"),
      "--allow",
      allow,
    ];
    net.run(hub, [node, ...missionctlArgs(proxyArgs)], { LOG_LEVEL: "warn" });
    const watcher = net.run(
      hub,
      [
        node,
        "--import",
        import.meta.resolve("tsx"),
        new URL("./link-down-watcher.ts", import.meta.url).pathname,
      ],
      env("127.0.0.1", "bot"),
    );
    const events: { at: number; alert?: string; resolved?: string; connected?: string }[] = [];
    createInterface({ input: watcher.proc.stdout as NodeJS.ReadableStream }).on("line", (l) =>
      events.push(JSON.parse(l)),
    );
    const hubAddress = net.hosts.hub?.address as string;
    net.run(
      b,
      [node, ...missionctlArgs(["strategy", "far", "--heartbeat-ms", "1000", "--interval-ms", "600000"])],
      env(hubAddress, "host"),
    );
    await waitFor(() => events.some((e) => e.connected === "far"), 30_000, "the strategy through the proxy");
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(1500);
      const seen = events.length;
      const cutAt = Date.now();
      net.cut("b");
      const alert = await waitFor(
        () => events.slice(seen).find((e) => e.alert?.includes("far disconnected")),
        20_000,
        "the alert",
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(events)}\n${watcher.output().slice(-3000)}`);
      });
      times.push(alert.at - cutAt);
      net.restore("b");
      await waitFor(() => events.slice(seen).some((e) => e.resolved?.includes("far")), 30_000, "resolved");
      progress("link-down", `round ${i + 1}: ${times.at(-1)} ms`);
    }
    return { link_down_alert_ms: pct(times, 0.5), link_down_alert_max_ms: Math.max(...times) };
  } finally {
    net.destroy();
  }
}
