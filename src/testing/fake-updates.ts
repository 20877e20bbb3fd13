/**
 * The updates Telegram delivers for what a user does: a text message, a button press. Pure
 * builders: {@link FakeTelegram} numbers them and keeps the messages they refer to.
 */
import type { InlineKeyboardMarkup, Update } from "telegraf/types";

/** What a button press needs of the message the button is on. */
export interface PressedMessage {
  chatId: number;
  messageId: number;
  text: string;
  keyboard?: InlineKeyboardMarkup;
}

/** The fields of a text message update. */
export interface TextUpdateFields {
  updateId: number;
  messageId: number;
  /** Epoch seconds. */
  date: number;
  chatId: number;
  user: { userId: number; username?: string; languageCode?: string | undefined };
  text: string;
  /** More message fields, e.g. `forward_origin` for a forwarded message. */
  extra: Record<string, unknown>;
}

/**
 * The update of a text message: a private chat when `chatId` is the user's id, else a group; a
 * leading `/command` is marked as a bot_command entity, as Telegram does.
 *
 * @example
 * textMessageUpdate({ updateId: 1, messageId: 5, date: 1_767_000_000, chatId: 42, user: { userId: 42 }, text: "/ping", extra: {} });
 */
export function textMessageUpdate(fields: TextUpdateFields): Update {
  const { user, chatId, text } = fields;
  const command = /^\/\S+/.exec(text);
  return {
    update_id: fields.updateId,
    message: {
      message_id: fields.messageId,
      date: fields.date,
      chat:
        chatId === user.userId
          ? { id: chatId, type: "private", first_name: "user" }
          : { id: chatId, type: "group", title: "ops" },
      from: {
        id: user.userId,
        is_bot: false,
        first_name: user.username ?? `user${user.userId}`,
        ...(user.username ? { username: user.username } : {}),
        ...(user.languageCode ? { language_code: user.languageCode } : {}),
      },
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
      ...fields.extra,
    },
  } as Update;
}

/**
 * The callback data of the button labelled `label` on `message`. Throws when it has no such button
 * (it was answered, expired or never had one).
 *
 * @example
 * callbackDataOf(question, "Apply"); // "mc:ok:…", as the confirmation put it on the button
 */
export function callbackDataOf(message: PressedMessage, label: string): string {
  const button = message.keyboard?.inline_keyboard.flat().find((b) => b.text === label);
  if (!button || !("callback_data" in button)) {
    throw new Error(
      `message ${message.messageId} has no button "${label}" (text: ${JSON.stringify(message.text)})`,
    );
  }
  return button.callback_data;
}

/** The fields of a button press update. */
export interface PressUpdateFields {
  updateId: number;
  callbackId: number;
  userId: number;
  languageCode: string | undefined;
  message: PressedMessage;
  data: string;
}

/**
 * The update of a button press on `message`, carrying the button's callback `data`.
 *
 * @example
 * buttonPressUpdate({ updateId: 2, callbackId: 1, userId: 42, languageCode: undefined, message, data: callbackDataOf(message, "Apply") });
 */
export function buttonPressUpdate(fields: PressUpdateFields): Update {
  const { userId, languageCode, message } = fields;
  return {
    update_id: fields.updateId,
    callback_query: {
      id: String(fields.callbackId),
      from: {
        id: userId,
        is_bot: false,
        first_name: `user${userId}`,
        ...(languageCode !== undefined ? { language_code: languageCode } : {}),
      },
      chat_instance: String(message.chatId),
      message: {
        message_id: message.messageId,
        date: 0,
        chat: { id: message.chatId, type: "private", first_name: "user" },
        text: message.text,
      },
      data: fields.data,
    },
  } as Update;
}
