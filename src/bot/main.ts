/**
 * `missionctl bot`: the Telegram bot over real ZeroMQ, hearing MISSIONCTL_PROCESSES and every
 * process that appears in MISSIONCTL_IPC_DIR/command; in proxy mode (MISSIONCTL_PROXY), every
 * process through the proxy, MISSIONCTL_PROCESSES being those expected to join.
 */
import { commandPreamble, noArguments } from "../cli-preamble.ts";
import { ConfigError } from "../config.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { botPeers, createTransport, isProxyMode } from "../ipc/create-transport.ts";
import { watchCommandDir } from "../ipc/discovery.ts";
import type { Transport } from "../ipc/transport.ts";
import { createProcessLogger } from "../log.ts";
import {
  attachBotMetrics,
  MetricsError,
  type MetricsServer,
  startMetricsServer,
  watchPollingHealth,
} from "../metrics/index.ts";
import { openState, StateError, type StateStore } from "../state/index.ts";
import { createBotRuntime } from "./runtime.ts";
import { WebhookError } from "./webhook.ts";

export const BOT_USAGE = `Usage: missionctl bot

Runs the Telegram bot: long polling, or webhook mode when TELEGRAM_WEBHOOK_URL is set
(TELEGRAM_WEBHOOK_LISTEN, TELEGRAM_WEBHOOK_SECRET; docs/operations.md#webhook-mode).
Configuration comes from the environment and .env:
TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_ROOT, MISSIONCTL_ID, MISSIONCTL_IPC_DIR,
MISSIONCTL_PROCESSES, MISSIONCTL_OPERATORS, MISSIONCTL_VIEWERS, MISSIONCTL_ALERT_CHATS,
MISSIONCTL_REPLY_TIMEOUT_MS, MISSIONCTL_HEARTBEAT_GRACE, MISSIONCTL_ALERT_REPEAT_MS,
MISSIONCTL_MAX_PROCESSES, MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT,
MISSIONCTL_LINK_HEARTBEAT_MS, MISSIONCTL_LINK_TIMEOUT_MS, MISSIONCTL_CONNECT_TIMEOUT_MS, LOG_LEVEL
(see .env.example), MISSIONCTL_SYNC_MAP (/sync; docs/position-sync.md), MISSIONCTL_METRICS (HOST:PORT
serving Prometheus /metrics and /healthz; docs/operations.md), MISSIONCTL_LANG (en or zh: alerts, and
replies to users whose Telegram language is neither). Stops cleanly on SIGINT / SIGTERM.
Its state (MISSIONCTL_STATE, MISSIONCTL_FORGET_AFTER_MS; docs/state.md) survives a restart.`;

/**
 * Runs the bot until SIGINT/SIGTERM (exit code 0) or a fatal Bot API error such as a bad token (1).
 *
 * @example
 * process.exitCode = await runBotCommand([]);
 */
export async function runBotCommand(args: string[]): Promise<number> {
  const start = commandPreamble("bot", BOT_USAGE, args, noArguments);
  if (typeof start === "number") return start;
  const { config } = start;
  if (!config.TELEGRAM_BOT_TOKEN) {
    console.error(
      "missionctl bot: TELEGRAM_BOT_TOKEN is not set (see .env.example; `missionctl demo` needs none)",
    );
    return 2;
  }
  const logger = createProcessLogger({ level: config.LOG_LEVEL, name: "missionctl" });
  const log = logger.child({ module: "main" });
  const id = config.MISSIONCTL_ID;
  // Heard from the start, so a signal while starting up is a clean stop rather than node's default.
  let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  let early: NodeJS.Signals | undefined;
  const signalled = (signal: NodeJS.Signals) => {
    if (onSignal) onSignal(signal);
    else early ??= signal;
  };
  process.once("SIGINT", signalled);
  process.once("SIGTERM", signalled);
  let transport: Transport;
  try {
    transport = createTransport(config, id, logger, { maxPeers: botPeers(config) });
  } catch (err) {
    // A certificate that cannot be used: one line, exit 2, like any bad configuration value.
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl bot: ${err.message}`);
    return 2;
  }
  let state: StateStore;
  try {
    state = openState(config.MISSIONCTL_STATE);
  } catch (err) {
    // Not ours, damaged or newer: one line, exit 2, and nothing bound or sent.
    if (!(err instanceof StateError)) throw err;
    console.error(`missionctl bot: ${err.message}`);
    return 2;
  }
  // Listening before anything binds or sends: an address in use is bad configuration, one line,
  // exit 2. Its `health` is what /healthz answers from (webhook mode sets its "telegram" part).
  let metrics: MetricsServer | undefined;
  if (config.MISSIONCTL_METRICS) {
    try {
      metrics = await startMetricsServer({ ...config.MISSIONCTL_METRICS, logger });
    } catch (err) {
      if (!(err instanceof MetricsError)) throw err;
      console.error(`missionctl bot: ${err.message}`);
      state.close();
      return 2;
    }
  }
  const ipc = new IpcCommandSystem({ id, transport, logger });
  await ipc.start();
  // Through the proxy every process is heard already, and IPC_DIR holds nobody's socket; the
  // configured ids stay the processes expected (the monitor alerts those that never join).
  const proxied = isProxyMode(config);
  if (!proxied) for (const spec of config.MISSIONCTL_PROCESSES) ipc.connectToProcess(spec);
  const stopWatching = proxied
    ? () => {}
    : watchCommandDir(config.MISSIONCTL_IPC_DIR, (peer) => ipc.connectToProcess(peer), { exclude: [id] });
  const runtime = await createBotRuntime({ config, ipc, logger, state });
  const detachMetrics = metrics
    ? attachBotMetrics(metrics.registry, { runtime, ipc, state, health: metrics.health })
    : () => {};
  await runtime.start();

  return new Promise<number>((resolve) => {
    let stopping = false;
    // A stop is over within 2 s whatever the Bot API does: every retry is abandoned at once and
    // commands in flight get 1 s.
    const shutdown = async (why: string, code: number) => {
      if (stopping) return;
      stopping = true;
      log.info({ why }, "stopping");
      stopWatching();
      await runtime.stop().catch((err) => log.error({ err }, "bot did not stop cleanly"));
      await ipc.stop({ lingerMs: 200 }).catch(() => {});
      detachMetrics();
      await metrics?.close();
      state.close();
      resolve(code);
    };
    onSignal = (signal) => void shutdown(signal, 0);
    if (early) return onSignal(early);
    const mode = config.TELEGRAM_WEBHOOK_URL ? "webhook" : "polling";
    // Long polling's side of /healthz's "telegram" part (webhook mode reports its own).
    if (metrics && mode === "polling") watchPollingHealth(runtime.bot, metrics.health);
    const launched =
      mode === "webhook"
        ? // /healthz's "telegram": up once setWebhook succeeded and the server listens, down once closed.
          runtime.bot.launchWebhook({ onHealth: (up) => metrics?.health.set("telegram", up) })
        : runtime.bot.launch((err) => {
            if (err) {
              log.fatal({ err }, "polling stopped");
              void shutdown("polling failed", 1);
            }
          });
    launched.then(
      () =>
        log.info({ id, heard: ipc.heardProcesses(), proxy: config.MISSIONCTL_PROXY, mode }, "bot started"),
      (err) => {
        // A stop during start-up abandons getMe, deleteWebhook and setWebhook: that is no failure.
        if (stopping) return;
        if (err instanceof WebhookError && err.code === "LISTEN") {
          // An address in use is a configuration problem: one line, exit 2, like a bad value.
          console.error(`missionctl bot: ${err.message}`);
          void shutdown("webhook listen failed", 2);
          return;
        }
        const check =
          mode === "webhook"
            ? "check TELEGRAM_WEBHOOK_URL, TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT"
            : "check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT";
        log.fatal({ err }, `could not start the bot (${check})`);
        void shutdown("launch failed", 1);
      },
    );
  });
}
