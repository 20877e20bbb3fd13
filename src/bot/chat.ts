/**
 * The bot's outgoing side: messages, edits, button answers. Every call goes through the Telegram
 * client that createBot wrapped with withTelegramRetry, so 429/5xx/network errors are retried here.
 */
import type { Telegram } from "telegraf";
import type { InlineKeyboardMarkup } from "telegraf/types";
import { splitText } from "./format.ts";

export interface ChatApi {
  /** Sends `text` (split at 4096 characters); returns the message ids in order. */
  send(chatId: number, text: string, keyboard?: InlineKeyboardMarkup): Promise<number[]>;
  /** Replaces a message's text (and removes its buttons unless `keyboard` is given). */
  edit(chatId: number, messageId: number, text: string, keyboard?: InlineKeyboardMarkup): Promise<void>;
  /** Answers a button press (the spinner on the user's button stops). */
  answer(callbackQueryId: string, text?: string, showAlert?: boolean): Promise<void>;
}

/**
 * A {@link ChatApi} over a telegraf Telegram client.
 *
 * @example
 * const chat = telegramChat(bot.telegram);
 * const [id] = await chat.send(42, "exit → mm1 …");
 */
export function telegramChat(telegram: Telegram): ChatApi {
  return {
    async send(chatId, text, keyboard) {
      const ids: number[] = [];
      const chunks = splitText(text);
      for (const [i, chunk] of chunks.entries()) {
        // Buttons go on the last chunk, under the whole text.
        const extra = keyboard && i === chunks.length - 1 ? { reply_markup: keyboard } : {};
        const message = await telegram.sendMessage(chatId, chunk, extra);
        ids.push(message.message_id);
      }
      return ids;
    },
    async edit(chatId, messageId, text, keyboard) {
      try {
        await telegram.editMessageText(
          chatId,
          messageId,
          undefined,
          text,
          keyboard ? { reply_markup: keyboard } : {},
        );
      } catch (err) {
        // Editing to the same text is a 400 from Telegram, and harmless.
        if (!String((err as Error)?.message ?? "").includes("message is not modified")) throw err;
      }
    },
    async answer(callbackQueryId, text, showAlert) {
      await telegram.answerCbQuery(callbackQueryId, text, showAlert ? { show_alert: true } : {});
    },
  };
}
