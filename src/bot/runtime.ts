/**
 * The bot with everything around it that every front end needs: the liveness monitor, the alert
 * notifier (alerts go out through the same retrying Bot API client), the audit log and the
 * command menu. `missionctl bot`, the test harness and the terminal demo all start this.
 */
import { type Clock, systemClock } from "../clock.ts";
import type { Config } from "../config.ts";
import { LifecycleBus } from "../events.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { parsePeerSpec } from "../ipc/transport.ts";
import { type Logger, silentLogger } from "../log.ts";
import { type AlertNotifier, createAlertNotifier, createMonitor } from "../monitor/index.ts";
import type { MonitorApi } from "../monitor/types.ts";
import { isAbortError } from "../telegram/retry.ts";
import { attachAuditLog } from "./audit.ts";
import { type BotHandle, type CreateBotOptions, createBot } from "./create-bot.ts";

export interface BotRuntimeOptions extends Omit<CreateBotOptions, "monitor" | "bus" | "logger" | "clock"> {
  config: Config;
  ipc: IpcCommandSystem;
  bus?: LifecycleBus;
  logger?: Logger;
  clock?: Clock;
  /** Use this monitor instead of creating one (it is then neither started nor stopped here). */
  monitor?: MonitorApi;
  /** Monitor timing overrides (tests); defaults come from the config. */
  monitorOptions?: { settleMs?: number; startGraceMs?: number };
}

export interface BotRuntime {
  bot: BotHandle;
  monitor: MonitorApi;
  bus: LifecycleBus;
  /** The alert notifier, once started. */
  readonly notifier: AlertNotifier | undefined;
  /** Starts the monitor and the notifier, publishes the command menu (polling is the caller's: bot.launch()). */
  start(): Promise<void>;
  /** Stops the bot, the notifier and the monitor (not the IPC, which the caller owns). */
  stop(): Promise<void>;
}

/**
 * Builds the bot runtime over an IPC command system the caller has started.
 *
 * @example
 * const runtime = await createBotRuntime({ config, ipc, logger });
 * await runtime.start();
 * await runtime.bot.launch();
 */
export async function createBotRuntime(options: BotRuntimeOptions): Promise<BotRuntime> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const bus = options.bus ?? new LifecycleBus(logger);
  const { config, ipc } = options;
  const owned = options.monitor
    ? undefined
    : createMonitor({
        ipc,
        bus,
        clock,
        logger,
        heartbeatGrace: config.MISSIONCTL_HEARTBEAT_GRACE,
        alertRepeatMs: config.MISSIONCTL_ALERT_REPEAT_MS,
        maxProcesses: config.MISSIONCTL_MAX_PROCESSES,
        // Configured processes are known from the start, and alerted if they never come.
        expected: config.MISSIONCTL_PROCESSES.map((spec) => parsePeerSpec(spec).id),
        ...(options.monitorOptions?.settleMs !== undefined
          ? { settleMs: options.monitorOptions.settleMs }
          : {}),
        ...(options.monitorOptions?.startGraceMs !== undefined
          ? { startGraceMs: options.monitorOptions.startGraceMs }
          : {}),
      });
  const monitor: MonitorApi = options.monitor ?? (owned as MonitorApi);
  const bot = await createBot({ ...options, monitor, bus, logger, clock });
  const detachAudit = attachAuditLog(bus, logger);
  let notifier: AlertNotifier | undefined;
  const log = logger.child({ module: "bot" });

  return {
    bot,
    monitor,
    bus,
    get notifier() {
      return notifier;
    },
    start: async () => {
      owned?.start();
      notifier = createAlertNotifier({
        bus,
        chats: [...config.MISSIONCTL_ALERT_CHATS],
        // One attempt per call: the notifier's per-chat queue retries and keeps alerts in order.
        send: (chatId, text, o) =>
          bot.callOnce(
            "sendMessage",
            { chat_id: chatId, text, ...(o?.silent ? { disable_notification: true } : {}) },
            o?.signal ? { signal: o.signal } : {},
          ),
        logger,
        clock,
      });
      // The menu is a convenience: it is set in the background, and failing to set it must not stop
      // the bot (a slow Bot API would otherwise delay the start by the whole retry window).
      void bot.publishCommands().catch((err) => {
        if (isAbortError(err)) log.info("stopped before the command menu was published");
        else log.warn({ err }, "could not publish the command menu");
      });
    },
    stop: async () => {
      // bot.stop() is bounded; the notifier then drops (and logs) what an outage kept queued.
      await bot.stop();
      notifier?.stop();
      owned?.stop();
      detachAudit();
    },
  };
}
