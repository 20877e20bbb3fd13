/**
 * The demo's chat: this terminal is the bot's Telegram. The bot's Bot API calls land in
 * {@link TerminalChat.callApi}, which prints messages and edits; typed lines become the updates a
 * Telegram user would cause, fed to the bot like long polling feeds them.
 */
import { createInterface } from "node:readline";
import { TelegramError } from "telegraf";
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from "telegraf/types";
import type { CallApi } from "../bot/create-bot.ts";
import { type Clock, systemClock } from "../clock.ts";

const INDENT = "      ";

/** What the terminal knows of a message the bot sent. */
export interface TerminalMessage {
  chatId: number;
  messageId: number;
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

/** Where typed lines go: the bot's update entry point (`runtime.bot`). */
export interface UpdateSink {
  handleUpdate(update: Update): Promise<void>;
}

/** Who the bot is in the demo (passed as `botInfo`, so the bot never asks getMe). */
export const TERMINAL_BOT_INFO: UserFromGetMe = {
  id: 1_000_001,
  is_bot: true,
  first_name: "missionctl",
  username: "missionctl_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;

/** How a bot message looks in the terminal: first line after the marker, the rest indented. */
export function renderMessage(message: TerminalMessage, kind: "sent" | "edited"): string {
  const marker = kind === "sent" ? "bot ›" : "bot ✎";
  const body = message.text.split("\n").join(`\n${INDENT}`);
  const buttons = message.keyboard?.inline_keyboard
    .flat()
    .map((b) => `[${b.text}]`)
    .join(" ");
  const hint = buttons ? `\n${INDENT}${buttons}  (type the button's word, e.g. "confirm")` : "";
  return `${marker} ${body}${hint}`;
}

// Telegram's own answers, so the bot's chat layer (which tolerates "message is not modified")
// behaves here exactly as against the real API.
const badRequest = (description: string) =>
  new TelegramError({ error_code: 400, description: `Bad Request: ${description}` });

/**
 * The terminal as the bot's Telegram, for one user in their private chat.
 *
 * @example
 * const chat = new TerminalChat({ userId: 1, output: process.stdout });
 * const runtime = await createBotRuntime({ config, ipc, telegram: { callApi: chat.callApi }, botInfo: chat.botInfo });
 * chat.listen(runtime.bot, process.stdin, () => shutdown());
 */
export class TerminalChat {
  readonly botInfo: UserFromGetMe = TERMINAL_BOT_INFO;
  readonly #messages = new Map<number, TerminalMessage>();
  readonly #userId: number;
  readonly #output: NodeJS.WritableStream;
  readonly #clock: Clock;
  #nextMessageId = 1;
  #nextUpdateId = 1;
  #nextCallbackId = 1;
  #close: (() => void) | undefined;

  constructor(options: { userId: number; output: NodeJS.WritableStream; clock?: Clock }) {
    this.#userId = options.userId;
    this.#output = options.output;
    this.#clock = options.clock ?? systemClock;
  }

  /** The Bot API as the bot sees it; pass it as `telegram: { callApi }`. */
  readonly callApi: CallApi = async (method, payload) => {
    switch (method) {
      case "getMe":
        return this.botInfo;
      case "setMyCommands":
      case "deleteWebhook":
      case "setWebhook":
        return true;
      case "sendMessage":
        return this.#send(payload);
      case "editMessageText":
        return this.#edit(payload);
      case "answerCallbackQuery":
        // The one user is always the one who asked: the toast ("Confirmed") adds nothing here.
        return true;
      default:
        throw new TelegramError({
          error_code: 404,
          description: `Not Found: method ${method} is not available in the terminal chat`,
        });
    }
  };

  #send(p: Record<string, unknown>): unknown {
    const text = String(p.text ?? "");
    if (text.length === 0) throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long");
    const keyboard = p.reply_markup as InlineKeyboardMarkup | undefined;
    const message: TerminalMessage = {
      chatId: Number(p.chat_id),
      messageId: this.#nextMessageId++,
      text,
      ...(keyboard ? { keyboard } : {}),
    };
    this.#messages.set(message.messageId, message);
    this.#print(renderMessage(message, "sent"));
    return this.#result(message);
  }

  #edit(p: Record<string, unknown>): unknown {
    const message = this.#messages.get(Number(p.message_id));
    if (!message || message.chatId !== Number(p.chat_id)) throw badRequest("message to edit not found");
    const text = String(p.text ?? "");
    if (text.length > 4096) throw badRequest("message is too long");
    const keyboard = p.reply_markup as InlineKeyboardMarkup | undefined;
    if (text === message.text && JSON.stringify(keyboard) === JSON.stringify(message.keyboard))
      throw badRequest("message is not modified");
    message.text = text;
    if (keyboard) message.keyboard = keyboard;
    else delete message.keyboard;
    this.#print(renderMessage(message, "edited"));
    return this.#result(message);
  }

  #result(m: TerminalMessage): unknown {
    return {
      message_id: m.messageId,
      date: this.#now(),
      chat: { id: m.chatId, type: "private" },
      text: m.text,
    };
  }

  /**
   * Reads `input` line by line until {@link close}: `/…` is a message from the user, a button's
   * word (e.g. "confirm") presses that button on the newest message that has it, "quit" calls
   * `onQuit`.
   */
  listen(bot: UpdateSink, input: NodeJS.ReadableStream, onQuit: () => void): void {
    const rl = createInterface({ input, terminal: false });
    let closing = false;
    rl.on("line", (raw) => {
      const line = raw.trim();
      if (!line) return;
      if (line === "quit" || line === "/quit") return onQuit();
      const update = line.startsWith("/") ? this.textUpdate(line) : this.pressUpdate(line);
      if (update) void bot.handleUpdate(update);
      else this.#print(`(commands start with "/", e.g. /help; "quit" or Ctrl-C ends the demo)`);
    });
    rl.on("close", () => {
      if (!closing) this.#print("(input closed; Ctrl-C ends the demo)");
    });
    this.#close = () => {
      closing = true;
      rl.close();
    };
  }

  /** Stops reading input. */
  close(): void {
    this.#close?.();
    this.#close = undefined;
  }

  /** The update Telegram delivers when the user types `text` in their private chat with the bot. */
  textUpdate(text: string): Update {
    const command = /^\/\S+/.exec(text);
    return {
      update_id: this.#nextUpdateId++,
      message: {
        message_id: this.#nextMessageId++,
        date: this.#now(),
        chat: { id: this.#userId, type: "private", first_name: "user" },
        from: this.#user(),
        text,
        ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
      },
    } as Update;
  }

  /** The update of pressing the button labelled `word` (any case) on the newest message that has one. */
  pressUpdate(word: string): Update | undefined {
    const label = word.toLowerCase();
    for (const message of [...this.#messages.values()].reverse()) {
      const button = message.keyboard?.inline_keyboard.flat().find((b) => b.text.toLowerCase() === label);
      if (!button || !("callback_data" in button)) continue;
      return {
        update_id: this.#nextUpdateId++,
        callback_query: {
          id: String(this.#nextCallbackId++),
          from: this.#user(),
          chat_instance: String(message.chatId),
          message: {
            message_id: message.messageId,
            date: this.#now(),
            chat: { id: message.chatId, type: "private", first_name: "user" },
            text: message.text,
          },
          data: button.callback_data,
        },
      } as Update;
    }
    return undefined;
  }

  /** The user as Telegram describes them; the name is what /mute and the audit log show. */
  #user() {
    return { id: this.#userId, is_bot: false, first_name: `user${this.#userId}` };
  }

  #now(): number {
    return Math.floor(this.#clock.now() / 1000);
  }

  #print(text: string): void {
    this.#output.write(`${text}\n`);
  }
}
