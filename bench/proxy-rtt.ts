/**
 * Round trip through the proxy (several hosts): the same client (an IpcCommandSystem in proxy mode)
 * pings the same kind of strategy (`missionctl strategy`, proxy mode), once through
 * `missionctl proxy` and once through a bare zeromq.js `Proxy` with the same CURVE settings, in
 * alternating blocks. The ratio is what the missionctl proxy adds (its ZAP allow list, its own
 * process on the bus) over zeromq's proxy itself.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { IpcCommandSystem } from "../src/ipc/command-system.ts";
import { createTransport } from "../src/ipc/create-transport.ts";
import { writeCertificatePair } from "../src/proxy/certs.ts";
import { type Child, pct, progress, spawnCli, spawnTs, stopChild, tempDir } from "./common.ts";

const PINGS = 10_000;
const WARMUP = 500;
const BLOCKS = 100;

export interface ProxyRttResult {
  proxy_rtt_p50_us: number;
  proxy_rtt_p99_us: number;
  bare_proxy_rtt_p50_us: number;
  bare_proxy_rtt_p99_us: number;
}

/** A free-looking port pair: a fixed base moved by the pid keeps parallel runs apart. */
const portPair = (offset: number) => 31000 + ((process.pid * 7 + offset) % 2000) * 2;

interface Side {
  name: string;
  proxy: Child;
  strategy: Child;
  ipc: IpcCommandSystem;
}

export async function benchProxyRtt(): Promise<ProxyRttResult> {
  const dir = tempDir();
  const keys = join(dir, "keys");
  const allow = join(dir, "allow");
  mkdirSync(keys, { mode: 0o700 });
  mkdirSync(allow, { mode: 0o755 });
  for (const name of ["proxy", "client", "strategy"]) writeCertificatePair(keys, name);
  for (const name of ["client", "strategy"])
    copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  const env = (port: number, cert: string) => ({
    MISSIONCTL_PROXY: `tcp://127.0.0.1:${port}`,
    MISSIONCTL_CERT: join(keys, `${cert}.key_secret`),
    MISSIONCTL_PROXY_CERT: join(keys, "proxy.key"),
    LOG_LEVEL: "warn",
  });
  const sides: Side[] = [];
  const start = async (name: string, port: number, proxy: Child): Promise<Side> => {
    const id = `rtt${sides.length}`;
    const strategy = spawnCli(
      ["strategy", id, "--step-ms", "0", "--interval-ms", "600000", "--hear", "chatops"],
      env(port, "strategy"),
    );
    const config = loadConfig({ ...env(port, "client"), MISSIONCTL_ID: "chatops" }, { envFile: false });
    const ipc = new IpcCommandSystem({ transport: createTransport(config, "chatops") });
    await ipc.start();
    ipc.connectToProcess(id);
    const missing = await ipc.waitUntilReachable([id], 30_000);
    if (missing.length > 0)
      throw new Error(`${name}: strategy never reachable: ${strategy.stderr()} ${proxy.stderr()}`);
    const side = { name, proxy, strategy, ipc };
    sides.push(side);
    return side;
  };
  try {
    const ours = portPair(0);
    const bare = portPair(1);
    const proxy = spawnCli(
      [
        "proxy",
        "--bind",
        `tcp://127.0.0.1:${ours}`,
        "--cert",
        join(keys, "proxy.key_secret"),
        "--allow",
        allow,
      ],
      { LOG_LEVEL: "warn" },
    );
    const bareProxy = spawnTs("./bare-proxy.ts", [String(bare), join(keys, "proxy.key_secret")], {}, true);
    await new Promise<void>((resolve, reject) => {
      bareProxy.proc.once("message", () => resolve());
      bareProxy.exit.then(() => reject(new Error(`bare proxy exited: ${bareProxy.stderr()}`)));
    });
    const a = await start("missionctl proxy", ours, proxy);
    const b = await start("bare zeromq.js Proxy", bare, bareProxy);
    progress("proxy-rtt", `both up; warm-up ${WARMUP} + ${PINGS} pings each, alternating`);
    const ping = async (side: Side, n: number, out: number[]) => {
      const id = side.strategy === a.strategy ? "rtt0" : "rtt1";
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await side.ipc.request(id, "ping", {});
        out.push((performance.now() - t0) * 1000);
        if (!r.ok) throw new Error(`${side.name}: ping not ok`);
      }
    };
    await ping(a, WARMUP, []);
    await ping(b, WARMUP, []);
    const oursUs: number[] = [];
    const bareUs: number[] = [];
    for (let i = 0; i < BLOCKS; i++) {
      await ping(a, PINGS / BLOCKS, oursUs);
      await ping(b, PINGS / BLOCKS, bareUs);
    }
    return {
      proxy_rtt_p50_us: pct(oursUs, 0.5),
      proxy_rtt_p99_us: pct(oursUs, 0.99),
      bare_proxy_rtt_p50_us: pct(bareUs, 0.5),
      bare_proxy_rtt_p99_us: pct(bareUs, 0.99),
    };
  } finally {
    for (const s of sides) await s.ipc.stop().catch(() => {});
    for (const s of sides) await stopChild(s.strategy);
    for (const s of sides) await stopChild(s.proxy);
  }
}
