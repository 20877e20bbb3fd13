/**
 * `missionctl demo` (what `npm start` runs without a token): two demo strategies as child
 * processes over real ZeroMQ ipc, the bot's whole pipeline (commands, auth, confirmation,
 * progress, monitor, alerts), and the terminal standing in for Telegram.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBotRuntime } from "../bot/runtime.ts";
import { commandPreamble, noArguments } from "../cli-preamble.ts";
import { type Config, ConfigError } from "../config.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { botPeers, createTransport } from "../ipc/create-transport.ts";
import { watchCommandDir } from "../ipc/discovery.ts";
import type { Transport } from "../ipc/transport.ts";
import { createLogger, prettyDestination } from "../log.ts";
import { openState } from "../state/index.ts";
import { spawnDemoExecutor } from "./executor.ts";
import { spawnDemoStrategies, stopDemoStrategies } from "./strategies.ts";
import { TerminalChat } from "./terminal-chat.ts";

export const DEMO_USAGE = `Usage: missionctl demo

The local demo: starts demo strategies mm1 and mm2 as child processes over ZeroMQ ipc (in a fresh
private directory), the bot's whole pipeline, and a terminal chat in place of Telegram. You are a
local operator (user id 1). Type chat commands such as /status, /ping *, /exit mm1; answer
confirmations by typing the button's word (confirm / cancel). Alerts are printed as they come:
kill -9 a strategy from another shell to see one. Ctrl-C (or "quit") stops everything.
Logs go to stderr, readable; LOG_LEVEL=debug shows more. With MISSIONCTL_PROXY set (and
MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT), the bot and both strategies talk through that proxy instead.`;

const DEMO_USER = 1;
const STRATEGIES = ["mm1", "mm2"];

/**
 * Runs the demo until Ctrl-C / SIGTERM / "quit"; resolves to the exit code.
 *
 * @example
 * process.exitCode = await runDemoCommand([]);
 */
export async function runDemoCommand(args: string[]): Promise<number> {
  const start = commandPreamble("demo", DEMO_USAGE, args, noArguments);
  if (typeof start === "number") return start;
  const base = start.config;
  // A private directory: the demo must never take over the socket of a real bot on this machine.
  const ipcDir = mkdtempSync(join(tmpdir(), "missionctl-demo-"));
  const config: Config = Object.freeze({
    ...base,
    MISSIONCTL_IPC_DIR: ipcDir,
    // The demo's own strategies: shown from the start, alerted if one never comes up.
    MISSIONCTL_PROCESSES: STRATEGIES,
    MISSIONCTL_OPERATORS: [DEMO_USER],
    MISSIONCTL_VIEWERS: [],
    MISSIONCTL_ALERT_CHATS: [DEMO_USER],
    // The demo trades through a simulated executor over ipc (docs/position-sync.md): /sync works.
    ...(base.MISSIONCTL_PROXY ? {} : { MISSIONCTL_SYNC_MAP: join(ipcDir, "trading", "sync-map.json") }),
  });
  const verbose = config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace";
  const level = verbose ? config.LOG_LEVEL : "warn";
  const logger = createLogger({ level, name: "demo" }, prettyDestination(process.stderr));
  const out = process.stdout;
  // Only when asked for (MISSIONCTL_PROXY): the bot and the strategies, which inherit the
  // environment, then meet through the proxy; the private directory holds no socket.
  const proxy = config.MISSIONCTL_PROXY;
  let transport: Transport;
  try {
    // Before any child starts: a certificate that cannot be used stops the demo with one line.
    transport = createTransport(config, config.MISSIONCTL_ID, logger, { maxPeers: botPeers(config) });
  } catch (err) {
    rmSync(ipcDir, { recursive: true, force: true });
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl demo: ${err.message}`);
    return 2;
  }

  const executor = config.MISSIONCTL_PROXY
    ? undefined
    : spawnDemoExecutor(ipcDir, join(ipcDir, "trading"), STRATEGIES, config.MISSIONCTL_ID, level);
  const strategies = spawnDemoStrategies(ipcDir, STRATEGIES, {
    intervalMs: 20_000,
    stepMs: 1500,
    heartbeatMs: 1000,
    logLevel: level,
    ...(executor ? { env: executor.env } : {}),
  });
  // Whatever way this process ends (a crash, a closed terminal), the children and the private
  // directory go with it; after a clean shutdown there is nothing left for this to do.
  process.once("exit", () => {
    for (const s of [...strategies, ...(executor ? [executor.process] : [])])
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGTERM");
    rmSync(ipcDir, { recursive: true, force: true });
  });
  const ipc = new IpcCommandSystem({ id: config.MISSIONCTL_ID, transport, logger });
  await ipc.start();
  if (!proxy) for (const id of STRATEGIES) ipc.connectToProcess(id);
  const stopWatching = proxy
    ? () => {}
    : watchCommandDir(ipcDir, (id) => ipc.connectToProcess(id), { exclude: [config.MISSIONCTL_ID] });
  // The terminal is the bot's Telegram: its Bot API calls print here, typed lines become updates.
  const chat = new TerminalChat({ userId: DEMO_USER, output: out });
  // The demo's state lives and dies with its private directory.
  const state = openState(join(ipcDir, "state.db"));
  const runtime = await createBotRuntime({
    config,
    ipc,
    logger,
    state,
    telegram: { callApi: chat.callApi },
    botInfo: chat.botInfo,
  });
  await runtime.start();
  out.write(`starting ${STRATEGIES.join(", ")}…\n`);
  const missing = await ipc.waitUntilReachable(STRATEGIES, 20_000);
  if (missing.length > 0)
    out.write(`(still not connected after 20 s: ${missing.join(", ")}; see the log above)\n`);

  out.write(
    banner(
      proxy ? `through the proxy ${proxy}` : `over ZeroMQ ipc in ${ipcDir}`,
      strategies.map((s) => `${s.id} (pid ${s.child.pid})`),
      proxy ? "" : `MISSIONCTL_IPC_DIR=${ipcDir} `,
    ),
  );
  for (const s of strategies) {
    void s.exited.then((code) => out.write(`(process ${s.id} ended: ${code})\n`));
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      out.write("stopping the demo…\n");
      chat.close();
      stopWatching();
      await runtime.stop().catch((err) => logger.error({ err }, "bot did not stop cleanly"));
      state.close();
      await stopDemoStrategies(strategies);
      if (executor) await stopDemoStrategies([executor.process]);
      await ipc.stop({ lingerMs: 100 }).catch(() => {});
      rmSync(ipcDir, { recursive: true, force: true });
      out.write("demo stopped: no processes or sockets left behind.\n");
      resolve(0);
    };
    chat.listen(runtime.bot, process.stdin, () => void shutdown());
    process.once("SIGINT", () => void shutdown());
    process.once("SIGTERM", () => void shutdown());
    // The terminal went away (closed pipe, hung-up shell): stop as for Ctrl-C.
    out.on("error", () => void shutdown());
  });
}

function banner(where: string, processes: string[], sendEnv: string): string {
  return `
missionctl demo — the bot's whole pipeline, with this terminal in place of Telegram.
Strategies ${processes.join(", ")} run as child processes ${where}
(each sleeps 20 s between 1.5 s steps; a command wakes it at once). You are operator ${DEMO_USER}.

Type:  /status    /ping *    /exit mm1    /exit * --now  (asks you to confirm)    /help
From another shell:  kill -9 <pid>  (an alert appears here; then /sync mm2 repairs its positions)
                     ${sendEnv}npx missionctl send mm2 status
Ctrl-C or "quit" stops everything.

`;
}
