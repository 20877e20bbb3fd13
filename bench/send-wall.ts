/**
 * Wall time of `missionctl send mm1 ping` (issue 17): from spawning a fresh process to its exit,
 * against a running `missionctl strategy mm1`, both from the build bench/build.ts prepared (what an
 * installed package runs). Its floor is bench/send-floor.mjs, bare node + zeromq.js doing the same
 * exchange (bind at cli.ipc, wait for mm1's subscription, one ping frame, its ok reply, exit),
 * spawned the same way. The two alternate run by run (A, B, A, B…), so the machine's load hits both
 * alike. Then the same through `missionctl proxy` (loopback tcp, CURVE), where the floor connects to
 * the proxy with CURVE.
 *
 * Run alone: `npx tsx bench/send-wall.ts` prints the result.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { commandDir } from "../src/ipc/ipc-dir.ts";
import { writeCertificatePair } from "../src/proxy/certs.ts";
import { missionctlArgs, prepareCli } from "./build.ts";
import {
  type Child,
  cleanupAll,
  pct,
  progress,
  sleep,
  spawnCli,
  spawnNode,
  stopChild,
  tempDir,
  waitFor,
} from "./common.ts";

/** Runs of each kind per layout (the brief: at least 20). */
const RUNS = 25;
/** Between two runs: the previous process is gone, its socket file too. */
const GAP_MS = 30;

const floorScript = fileURLToPath(new URL("./send-floor.mjs", import.meta.url));

export interface SendWallResult {
  /** `missionctl send mm1 ping` over ipc: median and p90 wall time, ms. */
  send_wall_ms: number;
  send_wall_p90_ms: number;
  /** bench/send-floor.mjs, same exchange, interleaved with the above. */
  floor_send_wall_ms: number;
  floor_send_wall_p90_ms: number;
  /** Median over median. */
  send_ratio: number;
  /** The same through `missionctl proxy` (loopback tcp, CURVE). */
  proxy_send_wall_ms: number;
  proxy_send_wall_p90_ms: number;
  proxy_floor_send_wall_ms: number;
  proxy_floor_send_wall_p90_ms: number;
  proxy_send_ratio: number;
  /** Runs of each kind per layout. */
  send_runs: number;
}

/** A port pair (PORT, PORT+1) apart from proxy-rtt's: a fixed base moved by the pid. */
const proxyPort = () => 37000 + ((process.pid * 7) % 1000) * 2;

/** Spawns `args` (node arguments) and resolves with its wall time in ms; throws unless it exits 0. */
async function timed(what: string, args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawnNode(args, env);
  const code = await child.exit;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${what} exited ${code}: ${child.stderr()}`);
  return ms;
}

interface Layout {
  name: string;
  send: string[];
  floor: string[];
  env: Record<string, string>;
}

/** Warm-up, then RUNS of each, alternating; medians and p90s. */
async function measure(layout: Layout, cliArgs: (cli: string[]) => string[]) {
  const send = () => timed(`${layout.name}: missionctl send`, cliArgs(layout.send), layout.env);
  const floor = () => timed(`${layout.name}: send-floor`, [floorScript, ...layout.floor], layout.env);
  await send();
  await floor();
  const sends: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    sends.push(await send());
    await sleep(GAP_MS);
    floors.push(await floor());
    await sleep(GAP_MS);
  }
  const [s, f] = [pct(sends, 0.5), pct(floors, 0.5)];
  progress(
    "send-wall",
    `${layout.name}: send p50 ${s.toFixed(0)} ms (p10 ${pct(sends, 0.1).toFixed(0)}, p90 ${pct(sends, 0.9).toFixed(0)}), floor p50 ${f.toFixed(0)} ms (p10 ${pct(floors, 0.1).toFixed(0)}, p90 ${pct(floors, 0.9).toFixed(0)})`,
  );
  return { send: s, sendP90: pct(sends, 0.9), floor: f, floorP90: pct(floors, 0.9) };
}

async function untilStrategyAnswers(cliArgs: (cli: string[]) => string[], layout: Layout, strategy: Child) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (strategy.exited()) throw new Error(`${layout.name}: strategy exited: ${strategy.stderr()}`);
    try {
      await timed("warm-up send", cliArgs(layout.send), layout.env);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

async function ipcLayout(cliArgs: (cli: string[]) => string[]) {
  const ipcDir = tempDir();
  const env = { MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: "warn" };
  const strategy = spawnCli(["strategy", "mm1", "--step-ms", "0", "--interval-ms", "600000"], env);
  try {
    await waitFor(() => existsSync(join(commandDir(ipcDir), "mm1.ipc")), 15_000, "mm1.ipc");
    const layout: Layout = {
      name: "ipc",
      send: ["send", "mm1", "ping"],
      floor: ["ipc", ipcDir, "mm1"],
      env: { MISSIONCTL_IPC_DIR: ipcDir },
    };
    await untilStrategyAnswers(cliArgs, layout, strategy);
    return await measure(layout, cliArgs);
  } finally {
    await stopChild(strategy);
  }
}

async function proxyLayout(cliArgs: (cli: string[]) => string[]) {
  const dir = tempDir();
  const keys = join(dir, "keys");
  const allow = join(dir, "allow");
  mkdirSync(keys, { mode: 0o700 });
  mkdirSync(allow, { mode: 0o755 });
  for (const name of ["proxy", "cli", "strategy"]) writeCertificatePair(keys, name);
  for (const name of ["cli", "strategy"]) copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  const port = proxyPort();
  const address = `tcp://127.0.0.1:${port}`;
  const env = (cert: string) => ({
    MISSIONCTL_PROXY: address,
    MISSIONCTL_CERT: join(keys, `${cert}.key_secret`),
    MISSIONCTL_PROXY_CERT: join(keys, "proxy.key"),
    MISSIONCTL_IPC_DIR: join(dir, "ipc"),
  });
  const proxy = spawnCli(
    ["proxy", "--bind", address, "--cert", join(keys, "proxy.key_secret"), "--allow", allow],
    { LOG_LEVEL: "warn" },
  );
  const strategy = spawnCli(["strategy", "mm1", "--step-ms", "0", "--interval-ms", "600000"], {
    ...env("strategy"),
    LOG_LEVEL: "warn",
  });
  try {
    const layout: Layout = {
      name: "proxy",
      send: ["send", "mm1", "ping"],
      floor: ["proxy", address, join(keys, "cli.key_secret"), join(keys, "proxy.key"), "mm1"],
      env: env("cli"),
    };
    await untilStrategyAnswers(cliArgs, layout, strategy);
    return await measure(layout, cliArgs);
  } finally {
    await stopChild(strategy);
    await stopChild(proxy);
  }
}

/**
 * The stage: over ipc, then through the proxy, each send interleaved with its floor.
 *
 * @example
 * const r = await benchSendWall(); // { send_wall_ms: 240, floor_send_wall_ms: 130, send_ratio: 1.8, … }
 */
export async function benchSendWall(): Promise<SendWallResult> {
  progress("send-wall", `missionctl from: ${prepareCli()}`);
  const ipc = await ipcLayout(missionctlArgs);
  const proxy = await proxyLayout(missionctlArgs);
  return {
    send_wall_ms: ipc.send,
    send_wall_p90_ms: ipc.sendP90,
    floor_send_wall_ms: ipc.floor,
    floor_send_wall_p90_ms: ipc.floorP90,
    send_ratio: ipc.send / ipc.floor,
    proxy_send_wall_ms: proxy.send,
    proxy_send_wall_p90_ms: proxy.sendP90,
    proxy_floor_send_wall_ms: proxy.floor,
    proxy_floor_send_wall_p90_ms: proxy.floorP90,
    proxy_send_ratio: proxy.send / proxy.floor,
    send_runs: RUNS,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchSendWall()
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(cleanupAll);
}
