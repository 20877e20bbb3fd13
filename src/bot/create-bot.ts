/**
 * The bot pipeline on telegraf, independent of where updates come from: long polling against
 * Telegram (or TELEGRAM_API_ROOT), the test harness's fake Telegram, or the terminal demo. Every
 * outgoing Bot API call passes through one retrying `callApi`.
 */
import { Telegraf } from "telegraf";
import type { Update, UserFromGetMe } from "telegraf/types";
import { type Clock, systemClock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { LifecycleBus } from "../events.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";
import { isAbortError, type RetryOptions, withTelegramRetry } from "../telegram/retry.ts";
import { type ChatApi, telegramChat } from "./chat.ts";
import { Confirmations } from "./confirmations.ts";
import { createDispatcher } from "./dispatch.ts";
import { loadRegistry, type Registry } from "./registry.ts";
import { drained, linkSignals } from "./stopping.ts";

/** The raw Bot API call: method name and JSON payload in, `result` out (or a thrown TelegramError). */
export type CallApi = (
  method: string,
  payload: Record<string, unknown>,
  options?: { signal?: unknown },
) => Promise<unknown>;

export interface CreateBotOptions {
  config: Config;
  ipc: IpcCommandSystem;
  monitor: MonitorApi;
  bus: LifecycleBus;
  logger?: Logger;
  clock?: Clock;
  /** Default: every file in commands/. */
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
}

/** A running bot pipeline. */
export interface BotHandle {
  telegraf: Telegraf;
  chat: ChatApi;
  registry: Registry;
  confirmations: Confirmations;
  /**
   * One Bot API call without the retry layer, for callers that retry themselves (the alert
   * notifier's ordered per-chat queues).
   */
  callOnce: CallApi;
  /** Feeds one update (what long polling does for each update it fetches). */
  handleUpdate(update: Update): Promise<void>;
  /** Publishes the command menu (setMyCommands) from the registry. */
  publishCommands(): Promise<void>;
  /** Starts long polling; resolves once polling has started. `onStopped` hears how polling ended. */
  launch(onStopped?: (err?: unknown) => void): Promise<void>;
  /** Resolves when no command is in flight (tests). */
  idle(): Promise<void>;
  /**
   * Stops polling, drops pending confirmations, gives commands in flight `stopGraceMs` to finish,
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
  const registry = options.registry ?? (await loadRegistry());
  // Without a token (demo, harness) the raw call is always replaced; telegraf only needs a string.
  const telegraf = new Telegraf(config.TELEGRAM_BOT_TOKEN ?? "0:local", {
    telegram: { apiRoot: config.TELEGRAM_API_ROOT },
  });
  if (options.botInfo) telegraf.botInfo = options.botInfo;

  const client = telegraf.telegram;
  const raw: CallApi = options.telegram?.callApi ?? (client.callApi.bind(client) as unknown as CallApi);
  const stopping = new AbortController();
  const retry: RetryOptions = {
    clock,
    onRetry: (err, attempt, delayMs, why) =>
      log.warn(
        { err: String((err as Error)?.message ?? err), attempt, delayMs, why },
        "Bot API call failed; retrying",
      ),
    ...options.telegram?.retry,
  };
  const wrapped: CallApi = async (method, payload, opts) => {
    const linked = linkSignals(stopping.signal, opts?.signal as AbortSignal | undefined);
    const signal = linked.signal;
    try {
      return await withTelegramRetry(
        () => raw(method, payload, { ...opts, signal }),
        // Polling retries 5xx itself, but after a fixed 5 s sleep nothing can cut short; retried
        // here it stays abortable. No deadline: polling outlasts any outage.
        method === "getUpdates"
          ? { ...retry, signal, deadlineMs: Number.POSITIVE_INFINITY, maxDelayMs: 5000 }
          : { ...retry, signal },
      );
    } finally {
      linked.dispose();
    }
  };
  client.callApi = wrapped as unknown as typeof client.callApi;
  // telegraf gives each update a fresh Telegram client; make contexts use the wrapped one too.
  Object.assign(telegraf.context, { telegram: client });

  const chat = telegramChat(client);
  const confirmations = new Confirmations(chat, clock, {
    log,
    ...(options.confirmTtlMs ? { ttlMs: options.confirmTtlMs } : {}),
  });
  const tasks = new Set<Promise<void>>();
  const spawn = (work: () => Promise<void>) => {
    const task = work().catch((err) =>
      isAbortError(err)
        ? log.info("background task cut short by the stop")
        : log.error({ err }, "background task failed"),
    );
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };
  const dispatch = createDispatcher({
    ipc: options.ipc,
    monitor: options.monitor,
    config,
    clock,
    bus,
    log,
    registry,
    chat,
    confirmations,
    botUsername: () => telegraf.botInfo?.username,
    editIntervalMs: options.editIntervalMs ?? 1000,
    spawn,
  });

  const seenUpdates = new Set<number>();
  telegraf.use(async (ctx) => {
    const update = ctx.update as Update;
    if ("message" in update && update.message && "text" in update.message && update.message.from) {
      const m = update.message;
      const from = m.from;
      if (!from) return;
      const userName = from.username
        ? `@${from.username}`
        : [from.first_name, from.last_name].filter(Boolean).join(" ");
      if (seenUpdates.has(update.update_id)) return; // delivered twice: run it once
      seenUpdates.add(update.update_id);
      if (seenUpdates.size > 1000) seenUpdates.delete(seenUpdates.values().next().value as number);
      const relayed = relayedKind(m);
      dispatch({
        userId: from.id,
        userName,
        chatId: m.chat.id,
        text: m.text,
        sentAt: m.date * 1000,
        ...(relayed ? { relayed } : {}),
      });
    } else if ("callback_query" in update && update.callback_query) {
      const q = update.callback_query;
      const data = "data" in q ? q.data : undefined;
      spawn(async () => {
        const at = q.message ? { chatId: q.message.chat.id, messageId: q.message.message_id } : {};
        const handled = data
          ? await confirmations.press({ id: q.id, fromId: q.from.id, data, ...at })
          : false;
        if (!handled) await chat.answer(q.id);
      });
    }
  });
  telegraf.catch(async (err, ctx) => {
    // A failing update must never stop polling; the user hears about it briefly.
    log.error({ err, updateId: ctx.update?.update_id }, "update handling failed");
    const chatId = chatOf(ctx.update as Update);
    if (chatId !== undefined)
      await chat.send(chatId, "Sorry, something went wrong; the error is logged.").catch(() => {});
  });

  let polling = false;
  return {
    telegraf,
    chat,
    registry,
    confirmations,
    callOnce: raw,
    handleUpdate: (update) => telegraf.handleUpdate(update),
    publishCommands: async () => {
      const commands = registry.list.map((c) => ({ command: c.name, description: c.help }));
      await client.setMyCommands(commands);
    },
    launch: (onStopped) =>
      new Promise<void>((resolve, reject) => {
        let started = false;
        telegraf
          .launch({ dropPendingUpdates: false }, () => {
            started = true;
            polling = true;
            resolve();
          })
          .then(
            () => onStopped?.(),
            (err) => {
              polling = false;
              if (started) onStopped?.(err);
              else reject(err);
            },
          );
      }),
    idle: async () => {
      while (tasks.size > 0) await Promise.all([...tasks]);
    },
    stop: async () => {
      confirmations.clear();
      if (polling) {
        polling = false;
        telegraf.stop("shutdown");
      }
      // Commands in flight may finish their replies; a reply stuck retrying must not hold the stop.
      await drained(tasks, clock, options.stopGraceMs ?? 1000);
      stopping.abort();
      // What is still running waits on its processes (the IPC's stop ends it), not on Telegram.
      if (!(await drained(tasks, clock, 100)))
        log.warn({ inFlight: tasks.size }, "bot stopped with commands still waiting for replies");
    },
  };
}

/**
 * Whether a message is someone else's text passed on: forwarded (Bot API 7 `forward_origin`, the
 * older `forward_*` fields, a channel's automatic forward) or sent as a chat (`sender_chat`).
 */
function relayedKind(m: object): "forwarded" | "sender_chat" | undefined {
  const fields = m as Record<string, unknown>;
  const forwarded = [
    "forward_origin",
    "forward_date",
    "forward_from",
    "forward_from_chat",
    "forward_sender_name",
  ];
  if (fields.is_automatic_forward === true || forwarded.some((k) => fields[k] !== undefined))
    return "forwarded";
  if (fields.sender_chat !== undefined) return "sender_chat";
  return undefined;
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
