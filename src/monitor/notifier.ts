import { type Clock, systemClock } from "../clock.ts";
import { type LifecycleBus, listenAll } from "../events.ts";
import type { Lang } from "../i18n/index.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { OutboxStore } from "../state/outbox.ts";
import { TELEGRAM_BACKOFF } from "../telegram/retry.ts";
import { type Outgoing, urgencyOf } from "./batch.ts";
import { ChatQueue, type SendFn } from "./chat-queue.ts";
import { MonitorError } from "./errors.ts";
import { outboxHooks, pendingLines } from "./outbox.ts";

export type { SendOptions } from "./chat-queue.ts";

export interface AlertNotifierOptions {
  bus: LifecycleBus;
  /** MISSIONCTL_ALERT_CHATS. Duplicates are sent once. */
  chats: number[];
  /**
   * ONE attempt at the Bot API (the notifier retries): e.g.
   * `(chat, text, o) => bot.telegram.sendMessage(chat, text, { disable_notification: o?.silent })`.
   */
  send: SendFn;
  logger?: Logger;
  clock?: Clock;
  /** Per chat; default 1000. */
  maxQueue?: number;
  /** First backoff after a 5xx / network error (default 500 ms), doubling up to maxDelayMs (30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** An attempt still pending after this long is retried (default 60 s). */
  sendTimeoutMs?: number;
  /**
   * Minimum gap between two messages to a chat (default 500 ms; 0: none). Lines that arrive within
   * it leave together as one message; the first urgent line never waits for it, so with the 300 ms
   * settle window a disconnect still reaches the Bot API within 1 s of the death.
   */
  groupWindowMs?: number;
  /**
   * The alert outbox of the state database (docs/state.md): every line is stored before its first
   * attempt and deleted once Telegram accepted it; what a previous run left goes out first, in order.
   * Without it, what is queued when the notifier stops is lost.
   */
  outbox?: OutboxStore;
  /** The alert chats' language for the lines the queues add (MISSIONCTL_LANG; default English). */
  lang?: Lang;
}

export interface AlertNotifier {
  /** Unsubscribes from the bus and drops what is still queued (logged; with an outbox it stays there). */
  stop(): void;
  /** Messages waiting (incl. in flight) for one chat, or for all chats. */
  queueLength(chatId?: number): number;
  /** Resolves once every queue is empty (or the notifier stopped). */
  idle(): Promise<void>;
}

/**
 * Delivers the lifecycle bus's `alert`, `alert.resolved` and `info` events to the alert chats,
 * through one retrying, bounded queue per chat ({@link ChatQueue}): crashed / disconnected first,
 * then silent, then resolved notices, then info lines (never ahead of an earlier line of the same
 * process), and lines that gather within the group window as one message. Info lines (planned
 * stops, restarts, mute expiry) are delivered quietly: `send` gets `{ silent: true }` so the chat
 * does not ring for them.
 *
 * @example
 * const notifier = createAlertNotifier({
 *   bus, chats: config.alertChats,
 *   send: (chat, text, o) => telegram.sendMessage(chat, text, { disable_notification: o?.silent }),
 * });
 * // ... on shutdown:
 * await notifier.idle(); notifier.stop();
 */
export function createAlertNotifier(options: AlertNotifierOptions): AlertNotifier {
  const { bus } = options;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger).child({ module: "notifier" });
  const chats = [...new Set(options.chats)];
  for (const chat of chats) {
    if (!Number.isSafeInteger(chat))
      throw new MonitorError("INVALID_OPTION", `invalid chat id ${chat}`, { chat });
  }
  const maxQueue = options.maxQueue ?? 1000;
  if (!Number.isSafeInteger(maxQueue) || maxQueue < 1) {
    throw new MonitorError("INVALID_OPTION", `maxQueue must be a positive integer, got ${maxQueue}`, {
      maxQueue,
    });
  }
  const groupWindowMs = options.groupWindowMs ?? 500;
  if (!Number.isFinite(groupWindowMs) || groupWindowMs < 0) {
    throw new MonitorError("INVALID_OPTION", `groupWindowMs must be a number ≥ 0, got ${groupWindowMs}`, {
      groupWindowMs,
    });
  }
  let waiters: (() => void)[] = [];
  const isIdle = () => queues.every((q) => !q.busy);
  const onIdle = () => {
    if (!isIdle()) return;
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  const queues = chats.map(
    (chatId) =>
      new ChatQueue(chatId, {
        send: options.send,
        clock,
        log,
        maxQueue,
        baseDelayMs: options.baseDelayMs ?? TELEGRAM_BACKOFF.baseMs,
        maxDelayMs: options.maxDelayMs ?? TELEGRAM_BACKOFF.maxMs,
        sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
        groupWindowMs,
        onIdle,
        ...(options.outbox ? { outbox: outboxHooks(options.outbox, log) } : {}),
        ...(options.lang ? { lang: options.lang } : {}),
      }),
  );
  if (queues.length === 0) log.warn("no alert chats configured: alerts are only logged");

  let seq = 0;
  if (options.outbox) {
    // What a previous run could not deliver goes first, in its order, before anything new.
    const left = pendingLines(options.outbox, chats, log);
    for (const q of queues) for (const item of left.get(q.chatId) ?? []) q.push(item);
    seq = left.maxSeq;
  }
  const enqueue = (kind: Outgoing["kind"], processId: string, text: string, alertKind?: string): void => {
    log.info({ kind, peer: processId, chats: queues.length }, text);
    const item: Outgoing = {
      kind,
      processId,
      text,
      enqueuedAt: clock.now(),
      urgency: urgencyOf(kind, alertKind),
      seq: ++seq,
      ...(alertKind !== undefined ? { alertKind } : {}),
    };
    const rows = options.outbox ? store(options.outbox, queues, item) : [];
    for (const [i, q] of queues.entries()) {
      const rowId = rows[i];
      q.push(rowId !== undefined ? { ...item, rowId } : { ...item });
    }
  };
  /** One row per chat, in the caller's transaction when there is one (the incident's change). */
  const store = (outbox: OutboxStore, qs: readonly ChatQueue[], item: Outgoing): number[] => {
    try {
      return outbox.add(
        qs.map((q) => ({
          chatId: q.chatId,
          seq: item.seq,
          kind: item.kind,
          processId: item.processId,
          text: item.text,
          createdAt: item.enqueuedAt,
          ...(item.alertKind !== undefined ? { alertKind: item.alertKind } : {}),
        })),
      );
    } catch (err) {
      // Delivered all the same, from memory; only a crash before delivery would lose it now.
      log.error({ err, peer: item.processId }, "could not store the line in the outbox");
      return [];
    }
  };
  const unlisten = listenAll(bus, {
    alert: (e) => enqueue("alert", e.processId, e.text, e.kind),
    "alert.resolved": (e) => enqueue("resolved", e.processId, e.text),
    info: (e) => enqueue("info", e.processId, e.text),
  });
  let stopped = false;

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unlisten();
      for (const q of queues) q.stop();
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    },
    queueLength(chatId?: number): number {
      return queues
        .filter((q) => chatId === undefined || q.chatId === chatId)
        .reduce((n, q) => n + q.length, 0);
    },
    idle(): Promise<void> {
      if (stopped || isIdle()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
