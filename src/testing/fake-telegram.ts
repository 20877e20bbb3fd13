/**
 * An in-process stand-in for the Bot API: the bot's `callApi` is pointed here (createBot's
 * `telegram.callApi`), so every call is recorded and answered like Telegram would, including
 * injected failures (429 with retry_after, 5xx, network; injected-failures.ts) for retry tests. It
 * also makes the updates a user would cause (a text message, a button press; fake-updates.ts).
 */
import { EventEmitter } from "node:events";
import { TelegramError } from "telegraf";
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from "telegraf/types";
import { type Clock, systemClock } from "../clock.ts";
import { buttonPressUpdate, callbackDataOf, textMessageUpdate } from "./fake-updates.ts";
import { FailureQueue, failureLabel, type InjectedFailure, injectedError } from "./injected-failures.ts";

export type { InjectedFailure } from "./injected-failures.ts";

/** One Bot API call as the fake saw it. */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** Set when the call was made to fail (an injected failure). */
  failedWith?: string;
}

/** A message in a chat, with its current text (after edits) and its history. */
export interface ChatMessage {
  chatId: number;
  messageId: number;
  /** The bot, or the user id who wrote it. */
  from: "bot" | number;
  text: string;
  /** Every text it had, oldest first (the first is the one sent). */
  history: string[];
  keyboard?: InlineKeyboardMarkup;
}

/** A button press answer (answerCallbackQuery). */
export interface CallbackAnswer {
  callbackQueryId: string;
  text?: string;
  showAlert: boolean;
}

export interface FakeTelegramEvents {
  /** Every call, after it was answered (or failed). */
  call: [call: RecordedCall];
  /** A message appeared or changed (bot or user). */
  message: [message: ChatMessage, kind: "sent" | "edited"];
  answer: [answer: CallbackAnswer];
}

export const FAKE_BOT_INFO: UserFromGetMe = {
  id: 1_000_001,
  is_bot: true,
  first_name: "missionctl",
  username: "missionctl_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;

const badRequest = (description: string) =>
  new TelegramError({ error_code: 400, description: `Bad Request: ${description}` });

/**
 * The fake Bot API.
 *
 * @example
 * const tg = new FakeTelegram();
 * const bot = await createBot({ ..., telegram: { callApi: tg.callApi } });
 * tg.failNext(1, { code: 429, retryAfter: 0 });
 * await bot.handleUpdate(tg.textUpdate({ userId: 42 }, "/ping mm1"));
 */
export class FakeTelegram extends EventEmitter<FakeTelegramEvents> {
  readonly calls: RecordedCall[] = [];
  readonly answers: CallbackAnswer[] = [];
  readonly #messages: ChatMessage[] = [];
  readonly #failures = new FailureQueue();
  #nextMessageId = 1;
  #nextUpdateId = 1;
  #nextCallbackId = 1;
  /** The command menu for every language (setMyCommands without a language_code). */
  commands: { command: string; description: string }[] = [];
  /** The command menus set for one language, by language_code (`zh`, `en`). */
  readonly menus = new Map<string, { command: string; description: string }[]>();
  /** Users' Telegram language (`zh-hans`, …), sent as `from.language_code` on their updates. */
  readonly languages = new Map<number, string>();

  /** `clock` dates the updates it builds (the bot refuses operator commands that look stale). */
  constructor(
    readonly botInfo: UserFromGetMe = FAKE_BOT_INFO,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  /**
   * Makes the next `count` calls fail (only calls to `methods`, when given); the bot's retry layer
   * should absorb them.
   */
  failNext(count: number, failure: InjectedFailure, methods?: string[]): void {
    this.#failures.add(count, failure, methods);
  }

  /** Calls to one method, in order. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages of one chat (or all), oldest first. */
  messages(chatId?: number): ChatMessage[] {
    return this.#messages.filter((m) => chatId === undefined || m.chatId === chatId);
  }

  /** The bot's messages of one chat (or all), oldest first. */
  botMessages(chatId?: number): ChatMessage[] {
    return this.messages(chatId).filter((m) => m.from === "bot");
  }

  /** The Bot API entry point; pass it as `telegram.callApi`. */
  readonly callApi = async (method: string, payload: Record<string, unknown>): Promise<unknown> => {
    const call: RecordedCall = { method, payload };
    this.calls.push(call);
    const failure = this.#failures.take(method);
    try {
      if (failure) {
        call.failedWith = failureLabel(failure);
        throw injectedError(failure);
      }
      return this.#answer(method, payload);
    } finally {
      // Observers run after the caller has its answer, like a network round trip.
      queueMicrotask(() => this.emit("call", call));
    }
  };

  #answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case "getMe":
        return this.botInfo;
      case "deleteWebhook":
      case "setWebhook":
        return true;
      case "setMyCommands": {
        const commands = (p.commands as { command: string; description: string }[]) ?? [];
        if (typeof p.language_code === "string" && p.language_code) this.menus.set(p.language_code, commands);
        else this.commands = commands;
        return true;
      }
      case "sendMessage": {
        const text = String(p.text ?? "");
        if (text.length === 0) throw badRequest("message text is empty");
        if (text.length > 4096) throw badRequest("message is too long");
        const message = this.addMessage(
          Number(p.chat_id),
          "bot",
          text,
          p.reply_markup as InlineKeyboardMarkup,
        );
        return {
          message_id: message.messageId,
          date: 0,
          chat: { id: message.chatId, type: "private" },
          text,
        };
      }
      case "editMessageText": {
        const message = this.#messages.find(
          (m) => m.chatId === Number(p.chat_id) && m.messageId === p.message_id,
        );
        if (!message) throw badRequest("message to edit not found");
        const text = String(p.text ?? "");
        if (text.length > 4096) throw badRequest("message is too long");
        const keyboard = p.reply_markup as InlineKeyboardMarkup | undefined;
        if (text === message.text && JSON.stringify(keyboard) === JSON.stringify(message.keyboard)) {
          throw badRequest(
            "message is not modified: specified new message content and reply markup are exactly the same",
          );
        }
        message.text = text;
        message.history.push(text);
        if (keyboard) message.keyboard = keyboard;
        else delete message.keyboard;
        this.emit("message", message, "edited");
        return {
          message_id: message.messageId,
          date: 0,
          chat: { id: message.chatId, type: "private" },
          text,
        };
      }
      case "answerCallbackQuery": {
        const answer: CallbackAnswer = {
          callbackQueryId: String(p.callback_query_id),
          ...(p.text !== undefined ? { text: String(p.text) } : {}),
          showAlert: p.show_alert === true,
        };
        this.answers.push(answer);
        this.emit("answer", answer);
        return true;
      }
      default:
        throw new TelegramError({ error_code: 404, description: `Not Found: method ${method} is not faked` });
    }
  }

  /** Stores a message (the bot's, or a user's when building an update) and announces it. */
  addMessage(
    chatId: number,
    from: "bot" | number,
    text: string,
    keyboard?: InlineKeyboardMarkup,
  ): ChatMessage {
    const message: ChatMessage = {
      chatId,
      messageId: this.#nextMessageId++,
      from,
      text,
      history: [text],
      ...(keyboard ? { keyboard } : {}),
    };
    this.#messages.push(message);
    this.emit("message", message, "sent");
    return message;
  }

  /**
   * The update Telegram delivers when `user` writes `text` (in their private chat unless `chatId`;
   * in their Telegram language `languageCode`, else the one in {@link languages}, else none).
   * `extra` adds message fields, e.g. `forward_origin` for a forwarded message.
   *
   * @example
   * await bot.handleUpdate(tg.textUpdate({ userId: 42, username: "ann" }, "/exit mm1"));
   */
  textUpdate(
    user: { userId: number; username?: string; chatId?: number; languageCode?: string },
    text: string,
    extra: Record<string, unknown> = {},
  ): Update {
    const chatId = user.chatId ?? user.userId;
    const languageCode = user.languageCode ?? this.languages.get(user.userId);
    const message = this.addMessage(chatId, user.userId, text);
    return textMessageUpdate({
      updateId: this.#nextUpdateId++,
      messageId: message.messageId,
      date: Math.floor(this.clock.now() / 1000),
      chatId,
      user: { ...user, languageCode },
      text,
      extra,
    });
  }

  /**
   * The update Telegram delivers when `userId` presses the button labelled `label` on `message`.
   * Throws when the message has no such button (it was answered, expired or never had one).
   */
  pressUpdate(userId: number, message: ChatMessage, label: string): Update {
    const data = callbackDataOf(message, label);
    return buttonPressUpdate({
      updateId: this.#nextUpdateId++,
      callbackId: this.#nextCallbackId++,
      userId,
      languageCode: this.languages.get(userId),
      message,
      data,
    });
  }
}
