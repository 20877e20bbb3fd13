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
import type { StateStore } from "../state/open.ts";
import { isAbortError } from "../telegram/retry.ts";
import { attachAuditLog } from "./audit.ts";
import { attachAuditStore } from "./audit-store.ts";
import { type BotHandle, type CreateBotOptions, createBot } from "./create-bot.ts";
import { finishInterrupted, inflightMessages } from "./inflight.ts";

export interface BotRuntimeOptions
  extends Omit<CreateBotOptions, "monitor" | "bus" | "logger" | "clock" | "history" | "inflight"> {
  config: Config;
  ipc: IpcCommandSystem;
  bus?: LifecycleBus;
  logger?: Logger;
  clock?: Clock;
  /** Use this monitor instead of creating one (it is then neither started nor stopped here). */
  monitor?: MonitorApi;
  /** Monitor timing overrides (tests); defaults come from the config. */
  monitorOptions?: { settleMs?: number; startGraceMs?: number; restoreGraceMs?: number };
  /**
   * The state database (docs/state.md; the caller opens and closes it): processes, incidents,
   * mutes, the alert outbox, the audit and progress messages survive a restart. Without it,
   * everything is in memory, as before.
   */
  state?: StateStore;
}

/** How long a process of the last run may take to show up again before it is alerted. */
const RESTORE_GRACE_MS = 5000;

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
  const { config, ipc, state } = options;
  const restoreGraceMs = options.monitorOptions?.restoreGraceMs ?? RESTORE_GRACE_MS;
  const peers = config.MISSIONCTL_PROCESSES.map((spec) => parsePeerSpec(spec));
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
        // Alerts go to chats, not to a user: they speak MISSIONCTL_LANG.
        lang: config.MISSIONCTL_LANG,
        // Configured processes are known from the start, and alerted if they never come.
        expected: peers.map((p) => p.id),
        ...(state
          ? {
              state,
              restoreGraceMs,
              forgetAfterMs: config.MISSIONCTL_FORGET_AFTER_MS,
              addressOf: (id: string) => {
                const peer = peers.find((p) => p.id === id);
                return peer?.address !== undefined ? `${id}=${peer.address}` : undefined;
              },
            }
          : {}),
        ...(options.monitorOptions?.settleMs !== undefined
          ? { settleMs: options.monitorOptions.settleMs }
          : {}),
        ...(options.monitorOptions?.startGraceMs !== undefined
          ? { startGraceMs: options.monitorOptions.startGraceMs }
          : {}),
      });
  const monitor: MonitorApi = options.monitor ?? (owned as MonitorApi);
  const log = logger.child({ module: "bot" });
  const bot = await createBot({
    ...options,
    monitor,
    bus,
    logger,
    clock,
    ...(state
      ? {
          history: { kept: true, recent: (target, n) => state.audit.recent(target, n) },
          inflight: inflightMessages(state.audit, clock, log),
        }
      : {}),
  });
  const detachAudit = attachAuditLog(bus, logger);
  const detachStore = state ? attachAuditStore(bus, state.audit, clock, logger) : () => {};
  let notifier: AlertNotifier | undefined;
  let resumeTimer: ReturnType<Clock["setTimeout"]> | undefined;

  return {
    bot,
    monitor,
    bus,
    get notifier() {
      return notifier;
    },
    start: async () => {
      // The notifier first: restoring the monitor's state may publish (a process back since).
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
        lang: config.MISSIONCTL_LANG,
        ...(state ? { outbox: state.outbox } : {}),
      });
      // Those of the last run only (read now, before any command of this one).
      const rows = state?.audit.liveMessages() ?? [];
      owned?.start();
      // An /exit in flight when the bot went down: the processes it stopped meanwhile are no alert.
      const stopping = rows.flatMap((r) => r.stopping);
      if (stopping.length > 0) monitor.expectExit(stopping);
      if (state) {
        // Once the monitor knows who is back, unfinished progress messages say what became of them.
        resumeTimer = clock.setTimeout(() => {
          resumeTimer = undefined;
          const lang = config.MISSIONCTL_LANG;
          void finishInterrupted({
            rows,
            audit: state.audit,
            chat: bot.chat,
            monitor,
            clock,
            log,
            lang,
          }).catch((err) => log.warn({ err }, "could not finish the last run's progress messages"));
        }, restoreGraceMs + 500);
      }
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
      if (resumeTimer) clock.clearTimeout(resumeTimer);
      resumeTimer = undefined;
      notifier?.stop();
      owned?.stop();
      detachAudit();
      detachStore();
    },
  };
}
