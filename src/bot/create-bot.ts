/**
 * The bot on telegraf, independent of where updates come from: long polling against Telegram (or
 * TELEGRAM_API_ROOT), the test harness's fake Telegram, or the terminal demo. Telegraf routes the
 * updates (dedupe, messages, button presses); the command pipeline (./pipeline/) does the rest.
 */
import { Telegraf } from "telegraf";
import type { Update, UserFromGetMe } from "telegraf/types";
import { type Clock, systemClock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { LifecycleBus } from "../events.ts";
import { catalog, langOf } from "../i18n/index.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";
import { type ApiObserver, type CallApi, RetryingTelegram } from "../telegram/client.ts";
import { isAbortError, type RetryOptions } from "../telegram/retry.ts";
import { type ChatApi, telegramChat } from "./chat.ts";
import { Confirmations } from "./confirmations.ts";
import { PollingMode, type WebhookLaunchOptions, WebhookMode } from "./launch-modes.ts";
import { commandMenus } from "./menu.ts";
import { createPipeline, type InflightMessages } from "./pipeline/index.ts";
import { loadRegistry, type Registry } from "./registry.ts";
import { drained } from "./stopping.ts";
import type { CommandDefinition, HistoryView } from "./types.ts";
import { dedupeUpdates, incomingMessage, senderLanguage } from "./updates.ts";
import type { WebhookServer } from "./webhook.ts";

export type { CallApi } from "../telegram/client.ts";
export type { WebhookLaunchOptions } from "./launch-modes.ts";

export interface CreateBotOptions {
  config: Config;
  ipc: IpcCommandSystem;
  monitor: MonitorApi;
  bus: LifecycleBus;
  logger?: Logger;
  clock?: Clock;
  /** Chat commands beside those in commands/ (a bot built from the package brings its own). */
  commands?: readonly CommandDefinition[];
  /** Replaces the whole registry (commands/ and `commands`). */
  registry?: Registry;
  telegram?: {
    /** Replaces the HTTP call (fake Telegram, terminal demo); retries still wrap it. */
    callApi?: CallApi;
    retry?: RetryOptions;
  };
  /** Minimum interval between edits of one progress message (default 1000 ms). */
  editIntervalMs?: number;
  /** How long Confirm / Cancel buttons stay valid (default 60 000 ms). */
  confirmTtlMs?: number;
  /**
   * How long stop() lets commands in flight finish before cutting every Bot API call still
   * retrying or pending (default 1000 ms).
   */
  stopGraceMs?: number;
  /** Skip the getMe call (tests, demo). */
  botInfo?: UserFromGetMe;
  /** The audit records for /history (createBotRuntime passes the state's). */
  history?: HistoryView;
  /** Where progress messages in flight are kept (createBotRuntime passes the state's). */
  inflight?: InflightMessages;
}

/** A running bot pipeline. */
export interface BotHandle {
  telegraf: Telegraf;
  chat: ChatApi;
  registry: Registry;
  /**
   * One Bot API call without the retry layer, for callers that retry themselves (the alert
   * notifier's ordered per-chat queues). Still cut short by stop().
   */
  callOnce: CallApi;
  /** Feeds one update (what long polling does for each update it fetches). */
  handleUpdate(update: Update): Promise<void>;
  /** Publishes the command menu (setMyCommands) from the registry, once per language (./menu.ts). */
  publishCommands(): Promise<void>;
  /** Starts long polling; resolves once polling has started. `onStopped` hears how polling ended. */
  launch(onStopped?: (err?: unknown) => void): Promise<void>;
  /** True from the moment long polling has started until it stops or fails (the health check). */
  readonly polling: boolean;
  /** Hears every Bot API attempt, retries included (metrics, the health check); returns the unsubscribe. */
  observeApi(observer: ApiObserver): () => void;
  /**
   * Starts webhook mode instead (TELEGRAM_WEBHOOK_URL, docs/operations.md#webhook-mode): listens on
   * TELEGRAM_WEBHOOK_LISTEN, gets the bot's identity, then setWebhook with the URL and secret.
   * Resolves with the address it listens on once Telegram accepted it; rejects with a WebhookError
   * (`LISTEN`, `SET_WEBHOOK`) or the abort of a stop during start-up. stop() closes the server and
   * leaves the webhook set.
   */
  launchWebhook(options?: WebhookLaunchOptions): Promise<WebhookServer["address"]>;
  /** Resolves when no command is in flight, except those waiting for a confirmation (tests). */
  idle(): Promise<void>;
  /**
   * Stops polling, ends pending confirmations, gives commands in flight `stopGraceMs` to finish,
   * then abandons every Bot API call still retrying or pending (start-up's getMe included), so
   * stopping never waits on a Telegram outage.
   */
  stop(): Promise<void>;
}

/**
 * Builds the bot.
 *
 * @example
 * const handle = await createBot({ config, ipc, monitor, bus, logger });
 * await handle.publishCommands();
 * await handle.launch();
 */
export async function createBot(options: CreateBotOptions): Promise<BotHandle> {
  const { config, bus } = options;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger).child({ module: "bot" });
  const registry = options.registry ?? (await loadRegistry(undefined, options.commands));
  // Without a token (demo, harness) the raw call is always replaced; telegraf only needs a string.
  const token = config.TELEGRAM_BOT_TOKEN ?? "0:local";
  const telegraf = new Telegraf(token, { telegram: { apiRoot: config.TELEGRAM_API_ROOT } });
  if (options.botInfo) telegraf.botInfo = options.botInfo;
  const client = new RetryingTelegram(token, {
    apiRoot: config.TELEGRAM_API_ROOT,
    ...(options.telegram?.callApi ? { callApi: options.telegram.callApi } : {}),
    retry: {
      clock,
      onRetry: (err, attempt, delayMs, why) =>
        log.warn(
          { err: String((err as Error)?.message ?? err), attempt, delayMs, why },
          "Bot API call failed; retrying",
        ),
      ...options.telegram?.retry,
    },
  });
  // Polling, the menu and every message go through the one retrying client.
  telegraf.telegram = client;

  const chat = telegramChat(client);
  // Commands parked on a question are not "in flight" for idle(): counting them needs the changes.
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of [...waiters]) wake();
  };
  const confirmations = new Confirmations(chat, clock, {
    log,
    onChange: changed,
    ...(options.confirmTtlMs ? { ttlMs: options.confirmTtlMs } : {}),
  });
  const tasks = new Set<Promise<void>>();
  /** Runs work detached from telegraf's update handling, so long commands never hold up polling. */
  const spawn = (work: () => Promise<void>) => {
    const task = work().catch((err) =>
      isAbortError(err)
        ? log.info("background task cut short by the stop")
        : log.error({ err }, "background task failed"),
    );
    tasks.add(task);
    void task.finally(() => {
      tasks.delete(task);
      changed();
    });
  };
  const handle = createPipeline({
    config,
    clock,
    bus,
    log,
    ipc: options.ipc,
    monitor: options.monitor,
    registry,
    chat,
    confirmations,
    editIntervalMs: options.editIntervalMs ?? 1000,
    ...(options.history ? { history: options.history } : {}),
    ...(options.inflight ? { inflight: options.inflight } : {}),
  });

  telegraf.use(dedupeUpdates());
  telegraf.on("message", (ctx) => {
    const message = incomingMessage(ctx.message);
    if (message) spawn(() => handle(message, telegraf.botInfo?.username));
  });
  telegraf.on("callback_query", (ctx) => {
    const q = ctx.callbackQuery;
    const data = "data" in q ? q.data : undefined;
    spawn(async () => {
      const at = q.message ? { chatId: q.message.chat.id, messageId: q.message.message_id } : {};
      // The answer to a press is the presser's to read, in their language.
      const lang = langOf(q.from.language_code, config.MISSIONCTL_LANG);
      const handled = data
        ? await confirmations.press({ id: q.id, fromId: q.from.id, data, lang, ...at })
        : false;
      if (!handled) await chat.answer(q.id);
    });
  });
  telegraf.catch(async (err, ctx) => {
    // A failing update must never stop polling; the user hears about it briefly.
    log.error({ err, updateId: ctx.update?.update_id }, "update handling failed");
    const chatId = chatOf(ctx.update);
    const lang = langOf(senderLanguage(ctx.update), config.MISSIONCTL_LANG);
    if (chatId !== undefined) await chat.send(chatId, catalog(lang).bot.somethingWrong).catch(() => {});
  });

  const pollingMode = new PollingMode(telegraf);
  const webhookMode = new WebhookMode({
    config,
    telegraf,
    client,
    logger: options.logger ?? silentLogger,
    log,
  });
  return {
    telegraf,
    chat,
    registry,
    callOnce: client.callOnce,
    get polling() {
      return pollingMode.running;
    },
    observeApi: (observer) => client.observe(observer),
    handleUpdate: (update) => telegraf.handleUpdate(update),
    publishCommands: async () => {
      for (const menu of commandMenus(registry.list, config.MISSIONCTL_LANG)) {
        const scope = menu.languageCode ? { language_code: menu.languageCode } : {};
        await client.setMyCommands(menu.commands, scope);
      }
    },
    launch: (onStopped) => pollingMode.launch(onStopped),
    launchWebhook: (o) => webhookMode.launch(o),
    idle: async () => {
      while (tasks.size > confirmations.size) {
        await new Promise<void>((wake) => {
          const done = () => {
            waiters.delete(done);
            wake();
          };
          waiters.add(done);
        });
      }
    },
    stop: async () => {
      confirmations.clear();
      // No new update from here; the webhook itself stays set (another instance may take over, and
      // Telegram keeps what arrives meanwhile queued).
      pollingMode.stop();
      const unhooked = webhookMode.close();
      // Commands in flight may finish their replies; a reply stuck retrying must not hold the stop.
      await drained(tasks, clock, options.stopGraceMs ?? 1000);
      await unhooked;
      client.stop();
      // What is still running waits on its processes (the IPC's stop ends it), not on Telegram.
      if (!(await drained(tasks, clock, 100)))
        log.warn({ inFlight: tasks.size }, "bot stopped with commands still waiting for replies");
    },
  };
}

/** The chat an update came from, read defensively: the update may be what is broken. */
function chatOf(update: Update): number | undefined {
  try {
    if ("message" in update) return update.message.chat.id;
    if ("callback_query" in update) return update.callback_query.message?.chat.id;
  } catch {
    // nobody to answer
  }
  return undefined;
}
