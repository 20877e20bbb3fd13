/**
 * Reading Telegram updates: delivered twice (a retried getUpdates) runs once, and a message becomes
 * the pipeline's {@link IncomingMessage} with who sent it and whether it was relayed.
 */
import type { Context, MiddlewareFn } from "telegraf";
import type { Message, Update } from "telegraf/types";
import type { IncomingMessage } from "./pipeline/index.ts";

/**
 * A telegraf middleware that drops an update_id seen among the last `remember` ones.
 *
 * @example
 * telegraf.use(dedupeUpdates());
 */
export function dedupeUpdates(remember = 1000): MiddlewareFn<Context> {
  const seen = new Set<number>();
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    if (seen.has(id)) return;
    seen.add(id);
    if (seen.size > remember) seen.delete(seen.values().next().value as number);
    await next();
  };
}

/**
 * The Telegram language of whoever caused `update` (a message, a button press), read defensively:
 * it serves to answer an update that failed, which may be what is broken.
 *
 * @example
 * senderLanguage(update); // "zh-hans"
 */
export function senderLanguage(update: Update): string | undefined {
  try {
    if ("message" in update) return update.message.from?.language_code;
    if ("callback_query" in update) return update.callback_query.from.language_code;
  } catch {
    // nobody's language: the default one
  }
  return undefined;
}

/**
 * The text message a user sent (with their Telegram language, which the answers follow), or
 * undefined for anything else (no text, no sender).
 *
 * @example
 * telegraf.on("message", (ctx) => { const m = incomingMessage(ctx.message); if (m) handle(m); });
 */
export function incomingMessage(m: Message): IncomingMessage | undefined {
  if (!("text" in m) || !m.from) return undefined;
  const from = m.from;
  const userName = from.username
    ? `@${from.username}`
    : [from.first_name, from.last_name].filter(Boolean).join(" ");
  const relayed = relayedKind(m);
  return {
    userId: from.id,
    userName,
    chatId: m.chat.id,
    text: m.text,
    sentAt: m.date * 1000,
    ...(from.language_code ? { languageCode: from.language_code } : {}),
    ...(relayed ? { relayed } : {}),
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
