/**
 * Resident memory of a real `missionctl bot` (the tsc build, as installed; its state on a SQLite
 * file) tracking 1,000 processes, the default MISSIONCTL_MAX_PROCESSES, each heartbeating once a
 * second. VmRSS is read once every process is tracked (`/status` says so) and after 10 s of steady
 * traffic. Two layouts (docs/protocol.md):
 *
 * - several hosts (the figure): `missionctl proxy`, the bot in proxy mode (one SUB, one XPUB, CURVE),
 *   and a helper child (this file, run as `fleet proxy`) publishing the 1,000 processes' heartbeats
 *   through the proxy. Through the proxy one socket carries everyone's frames, so the bot cannot
 *   tell one publisher for 1,000 ids from 1,000 strategies; what grows with them is its own.
 * - one host (ipc): a helper child (`fleet ipc N`) with N command systems on real ZeroMQ sockets in
 *   IPC_DIR, each found by discovery, hearing the bot and heartbeating. The bot dials each one: a
 *   SUB socket and its event observer per process (three ZeroMQ sockets; src/ipc/zmq-context.ts).
 *   Its floor: bench/bare-subs.mjs, bare zeromq.js holding the same sockets with the same fleet once
 *   the bot has stopped: its SUBs dialling each process, its XPUB at the bot's address.
 *
 * The bot runs with the V8 flags of deploy/missionctl-bot.service (`--max-semi-space-size=4`); the
 * proxy layout is measured without them too. BOT_RSS_IPC_PROCESSES: another ipc fleet size.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as zmq from "zeromq";
import { writeCertificatePair } from "../src/proxy/certs.ts";
import { BotApiServer } from "../test/e2e/bot-api-server.ts";
import { prepareCli } from "./build.ts";
import {
  type Child,
  cleanupAll,
  progress,
  rssMb,
  sleep,
  spawnCli,
  spawnTs,
  stopChild,
  tempDir,
  waitFor,
} from "./common.ts";

const TOKEN = "123456:BENCH";
const OPERATOR = 111;
/** The processes of the figure: MISSIONCTL_MAX_PROCESSES's default. */
const PROCESSES = 1_000;
/** Over ipc as well; BOT_RSS_IPC_PROCESSES for development. */
const IPC_PROCESSES = Number(process.env.BOT_RSS_IPC_PROCESSES ?? 1_000);
/** The bot's V8 flags as deploy/missionctl-bot.service sets them. */
const DEPLOYED_NODE_OPTIONS = "--max-semi-space-size=4";
/** Steady traffic before the reading (heartbeats, the state's batches, GC settling). */
const STEADY_MS = 10_000;

export interface BotRssResult {
  /** VmRSS of the bot in proxy mode with 1,000 processes tracked, after 10 s of heartbeats, MB. */
  bot_rss_1000_mb: number;
  /** The same bot before any process: connected to Telegram and the proxy, MB. */
  bot_rss_empty_mb: number;
  /** The highest reading (once a second) during the 10 s, MB. */
  bot_rss_1000_peak_mb: number;
  /** The proxy layout again without the unit's V8 flags (Node's default young generation), MB. */
  bot_rss_1000_noflag_mb: number;
  /** A bot over ipc with 1,000 processes (a SUB socket each), after 10 s of heartbeats, MB. */
  bot_rss_ipc1000_mb: number;
  /** That bot before any process, MB. */
  bot_rss_ipc_empty_mb: number;
  /** Bare zeromq.js holding the same sockets to the same fleet: what is left the floor, MB. */
  floor_rss_ipc1000_mb: number;
  /** Bare zeromq.js before its sockets, MB. */
  floor_rss_ipc_empty_mb: number;
}

interface Layout {
  /** Environment of the bot and of the fleet child (its own cert in proxy mode comes on top). */
  env: Record<string, string>;
  fleetEnv?: Record<string, string>;
  /** Arguments of the fleet child after `fleet`. */
  fleetArgs: string[];
  processes: number;
  children: Child[];
  /** The bot's NODE_OPTIONS. */
  nodeOptions: string;
  /** Run while the fleet is still up, after the bot's reading, given a way to stop the bot first. */
  alongside?: (stopBot: () => Promise<void>) => Promise<void>;
}

/** Asks `/status` and returns its reply. */
async function status(api: BotApiServer): Promise<string> {
  const before = api.telegram.botMessages(OPERATOR).length;
  api.push(api.telegram.textUpdate({ userId: OPERATOR }, "/status"));
  const reply = await waitFor(
    () => api.telegram.botMessages(OPERATOR).slice(before)[0],
    20_000,
    "the /status reply",
  );
  return reply.text;
}

/** One bot, its fleet, the readings. */
async function measure(name: string, layout: Layout): Promise<{ empty: number; rss: number; peak: number }> {
  const api = new BotApiServer(TOKEN);
  const apiRoot = await api.listen();
  const bot = spawnCli(["bot"], {
    ...layout.env,
    LOG_LEVEL: "info",
    MISSIONCTL_STATE: join(tempDir(), "state.db"),
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    MISSIONCTL_OPERATORS: String(OPERATOR),
    MISSIONCTL_VIEWERS: "",
    MISSIONCTL_ALERT_CHATS: "",
    MISSIONCTL_PROCESSES: "",
    NODE_OPTIONS: layout.nodeOptions,
  });
  let fleet: Child | undefined;
  try {
    await waitFor(() => api.polls > 0 || bot.exited(), 30_000, "the bot to poll the fake Bot API");
    if (bot.exited()) throw new Error(`the bot exited: ${bot.stderr()}`);
    await status(api);
    await sleep(2000);
    const empty = rssMb(bot.pid);
    fleet = spawnTs("./bot-rss.ts", ["fleet", ...layout.fleetArgs], { ...layout.env, ...layout.fleetEnv });
    const n = layout.processes.toLocaleString("en-US");
    // All up: the summary's tally, or (a listing that fits one message) no other state.
    const allUp = (text: string) =>
      new RegExp(`^Processes \\(${n}\\): ${n} up$`, "m").test(text) ||
      (text.startsWith(`Processes (${n}):\n`) && !/ — (?!up)/.test(text));
    for (let attempt = 1; ; attempt++) {
      if (fleet.exited()) throw new Error(`the fleet exited: ${fleet.stderr()}`);
      if (bot.exited()) throw new Error(`the bot exited: ${bot.stderr()}`);
      const text = await status(api);
      if (allUp(text)) break;
      if (attempt >= 90)
        throw new Error(
          `the bot never tracked the ${n} processes as up: ${text.slice(0, 300)} ${fleet.stderr()}`,
        );
      await sleep(1000);
    }
    progress("bot-rss", `${name}: bot tracks ${n} processes, all up; ${STEADY_MS / 1000} s of heartbeats`);
    let peak = 0;
    for (let waited = 0; waited < STEADY_MS; waited += 1000) {
      await sleep(1000);
      peak = Math.max(peak, rssMb(bot.pid));
    }
    const rss = rssMb(bot.pid);
    if (!allUp(await status(api))) throw new Error(`${name}: processes went missing during the reading`);
    await layout.alongside?.(() => stopChild(bot));
    return { empty, rss, peak: Math.max(peak, rss) };
  } finally {
    await Promise.all([
      stopChild(bot),
      ...(fleet ? [stopChild(fleet, "SIGKILL")] : []),
      ...layout.children.map((c) => stopChild(c)),
    ]);
    await api.close();
  }
}

/** A free-looking port pair (XSUB, XPUB): a fixed base moved by the pid keeps parallel runs apart. */
const portPair = () => 35000 + ((process.pid * 7) % 2000) * 2;

/** `missionctl proxy` on loopback with CURVE; the bot's and the fleet's environments. */
function proxyLayout(): Layout {
  const dir = tempDir();
  const keys = join(dir, "keys");
  const allow = join(dir, "allow");
  mkdirSync(keys, { mode: 0o700 });
  mkdirSync(allow, { mode: 0o755 });
  for (const name of ["proxy", "bot", "fleet"]) writeCertificatePair(keys, name);
  for (const name of ["bot", "fleet"]) copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  const port = portPair();
  const proxy = spawnCli(
    [
      "proxy",
      "--bind",
      `tcp://127.0.0.1:${port}`,
      "--cert",
      join(keys, "proxy.key_secret"),
      "--allow",
      allow,
    ],
    { LOG_LEVEL: "warn" },
  );
  const common = {
    MISSIONCTL_PROXY: `tcp://127.0.0.1:${port}`,
    MISSIONCTL_PROXY_CERT: join(keys, "proxy.key"),
  };
  return {
    env: { ...common, MISSIONCTL_CERT: join(keys, "bot.key_secret") },
    fleetEnv: { MISSIONCTL_CERT: join(keys, "fleet.key_secret") },
    fleetArgs: ["proxy", String(PROCESSES)],
    processes: PROCESSES,
    children: [proxy],
    nodeOptions: DEPLOYED_NODE_OPTIONS,
  };
}

/** bench/bare-subs.mjs towards the fleet in `ipcDir`: its readings, MB. */
async function bareFloor(ipcDir: string, processes: number): Promise<{ empty: number; rss: number }> {
  const script = new URL("./bare-subs.mjs", import.meta.url).pathname;
  // Bound where the bot was: the fleet's SUBs dial it again, a connection each way per process.
  const args = [DEPLOYED_NODE_OPTIONS, script, join(ipcDir, "command"), String(STEADY_MS), "chatops"];
  const child = spawn(process.execPath, [...args, ...fleetIds(processes)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`bare-subs.mjs exited ${code}: ${err.slice(-2000)}`);
  const r = JSON.parse(out) as { empty: number; rss: number; frames: number };
  if (r.frames < processes)
    throw new Error(`bare-subs.mjs heard ${r.frames} frames from ${processes} processes`);
  return r;
}

/** `ipc: false` skips the one-host layout and its floor (about 50 s of the 110); those are NaN. */
export async function benchBotRss(options: { ipc?: boolean } = {}): Promise<BotRssResult> {
  prepareCli();
  const proxied = await measure("proxy", proxyLayout());
  const noflag = await measure("proxy, no V8 flags", { ...proxyLayout(), nodeOptions: "" });
  const nan = { rss: Number.NaN, empty: Number.NaN };
  let floor = nan;
  let ipc = nan;
  if (options.ipc !== false) {
    const ipcDir = join(tempDir(), "p");
    ipc = await measure("ipc", {
      env: { MISSIONCTL_IPC_DIR: ipcDir },
      fleetArgs: ["ipc", String(IPC_PROCESSES)],
      processes: IPC_PROCESSES,
      children: [],
      nodeOptions: DEPLOYED_NODE_OPTIONS,
      alongside: async (stopBot) => {
        await stopBot();
        progress(
          "bot-rss",
          `ipc floor: bare zeromq.js binds the bot's address and hears the same ${IPC_PROCESSES} processes`,
        );
        floor = await bareFloor(ipcDir, IPC_PROCESSES);
      },
    });
  }
  return {
    bot_rss_1000_mb: proxied.rss,
    bot_rss_empty_mb: proxied.empty,
    bot_rss_1000_peak_mb: proxied.peak,
    bot_rss_1000_noflag_mb: noflag.rss,
    bot_rss_ipc1000_mb: ipc.rss,
    bot_rss_ipc_empty_mb: ipc.empty,
    floor_rss_ipc1000_mb: floor.rss,
    floor_rss_ipc_empty_mb: floor.empty,
  };
}

const fleetIds = (n: number) => Array.from({ length: n }, (_, i) => `f${String(i).padStart(4, "0")}`);

/**
 * The fleet child, until killed: `count` processes heartbeating at 1/s each, phases spread over the
 * second in 10 ms slices. `ipc`: a command system on real sockets per process. `proxy`: one
 * connection to the proxy publishing every process's heartbeat frames (through the proxy the bot
 * hears one socket for all, as it would 1,000 strategies on other hosts).
 */
async function runFleet(layout: string, count: number): Promise<void> {
  const { encodeFrame, IpcCommandSystem, ZmqTransport, createTransport } = await import(
    "../src/ipc/index.ts"
  );
  const { loadConfig } = await import("../src/config.ts");
  const ids = fleetIds(count);
  let publish: (id: string, payload: Record<string, unknown>) => void;
  if (layout === "proxy") {
    // Connected as the first process of the fleet, so that no 1,001st id shows up.
    const self = ids[0] ?? "f0000";
    const config = loadConfig({ ...process.env, MISSIONCTL_ID: self }, { envFile: false });
    const transport = createTransport(config, self);
    const ipc = new IpcCommandSystem({ transport });
    await ipc.start();
    publish = (id, payload) => {
      const frame = encodeFrame({
        command_id: `${id}_${Date.now() * 1000}_${payload.seq}`,
        sender_id: id,
        target_id: "*",
        command_type: "heartbeat",
        payload,
        timestamp: Date.now() * 1000,
      });
      transport.publish(frame).catch(() => {});
    };
  } else {
    const ipcDir = process.env.MISSIONCTL_IPC_DIR;
    if (!ipcDir) throw new Error("MISSIONCTL_IPC_DIR is not set");
    // Two sockets per process (its XPUB, its SUB to the bot) and their observers: past libzmq's 1,023.
    zmq.context.maxSockets = 8 * count + 64;
    const systems = new Map<string, InstanceType<typeof IpcCommandSystem>>();
    for (const id of ids) {
      const ipc = new IpcCommandSystem({ id, transport: new ZmqTransport({ id, ipcDir }) });
      await ipc.start();
      ipc.connectToProcess("chatops");
      systems.set(id, ipc);
    }
    publish = (id, payload) => {
      systems
        .get(id)
        ?.sendCommand("*", "heartbeat", payload)
        .catch(() => {});
    };
  }
  const started = Date.now();
  const slice = Math.ceil(count / 100);
  for (let seq = 1; ; seq++) {
    const second = performance.now();
    for (const [i, id] of ids.entries()) {
      const uptime_s = Math.round((Date.now() - started) / 1000);
      publish(id, { state: "sleeping", pid: 100_000 + i, uptime_s, interval_ms: 1000, seq });
      if (i % slice === slice - 1)
        await sleep(Math.max(0, second + ((i + 1) / count) * 1000 - performance.now()));
    }
    await sleep(Math.max(0, second + 1000 - performance.now()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === "fleet") {
    runFleet(process.argv[3] ?? "proxy", Number(process.argv[4] ?? PROCESSES)).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    /** `npx tsx bench/bot-rss.ts`: one run, for development. */
    benchBotRss().then(
      (r) => {
        console.log(JSON.stringify(r));
        cleanupAll();
      },
      (err: unknown) => {
        console.error(err);
        cleanupAll();
        process.exit(1);
      },
    );
  }
}
