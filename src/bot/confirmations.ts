/**
 * Confirm / Cancel buttons for risky commands: only the requester may press them, and
 * they expire after a while (60 s by default, on the injected clock). The question, its buttons and
 * its end are in the requester's language; the answer to a press in the presser's.
 */
import { randomBytes } from "node:crypto";
import type { Clock, TimerHandle } from "../clock.ts";
import { catalog, type Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { ChatApi } from "./chat.ts";

const PREFIX = "mc";

export interface ConfirmRequest {
  userId: number;
  chatId: number;
  /** What will happen, e.g. `/exit mm* --now`. */
  summary: string;
  /** Extra lines under the question (who it reaches now), in `lang`. */
  details?: string[];
  /** The ok button, also the question's verb: Confirm (default), or Apply (/sync). */
  ok?: "confirm" | "apply";
  /** The requester's language. */
  lang: Lang;
}

/**
 * How a question ended: confirmed (with the question's message, to be reused for the command's
 * answer), or not (cancelled by the requester or by the bot stopping, or expired).
 */
export type ConfirmAnswer = (
  | { confirmed: true; messageId: number }
  | { confirmed: false; outcome: "cancelled" | "expired"; detail?: string }
) & {
  /** Every button press on the question, refused ones included, for the audit (who pressed what). */
  presses?: ConfirmPress[];
};

/** One press of Confirm or Cancel (recorded in English, whatever the labels said: it is the audit's). */
export interface ConfirmPress {
  by: number;
  button: "Confirm" | "Cancel";
  at: number;
  /** Why the press answered nothing (someone else's question, a copy of the buttons). */
  refused?: string;
}

interface Pending extends ConfirmRequest {
  messageId: number;
  timer: TimerHandle;
  settle: (answer: ConfirmAnswer) => void;
  presses: ConfirmPress[];
}

/** A button press as Telegram delivers it (the fields we use). */
export interface ButtonPress {
  id: string;
  fromId: number;
  data: string;
  /** The message the pressed button is on; a press without one (inline message) is refused. */
  chatId?: number;
  messageId?: number;
  /** The presser's language, for the answer they see (default English). */
  lang?: Lang;
}

/**
 * Pending confirmations by a random id carried in the buttons' callback data.
 *
 * @example
 * const answer = await confirmations.ask({ userId, chatId, summary: "/exit mm*", lang: "en" }); // after a press
 * await confirmations.press({ id: query.id, fromId: query.from.id, data: query.data,
 *   chatId: query.message?.chat.id, messageId: query.message?.message_id });
 */
export class Confirmations {
  readonly #pending = new Map<string, Pending>();
  readonly ttlMs: number;

  constructor(
    private readonly chat: ChatApi,
    private readonly clock: Clock,
    private readonly options: { ttlMs?: number; log?: Logger; onChange?: () => void } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Sends the question with its buttons; resolves with the answer (a press, the expiry, or the bot
   * stopping). Rejects only when the question could not be sent.
   */
  async ask(request: ConfirmRequest): Promise<ConfirmAnswer> {
    const id = randomBytes(6).toString("base64url");
    const t = catalog(request.lang).bot.confirm;
    const ok = request.ok === "apply" ? t.apply : t.ok;
    const text = t.question({
      verb: ok,
      summary: request.summary,
      details: request.details ?? [],
      ttlMs: this.ttlMs,
    });
    const keyboard = {
      inline_keyboard: [
        [
          { text: ok, callback_data: `${PREFIX}:ok:${id}` },
          { text: t.cancel, callback_data: `${PREFIX}:no:${id}` },
        ],
      ],
    };
    const ids = await this.chat.send(request.chatId, text, keyboard);
    const messageId = ids[ids.length - 1] as number;
    return new Promise<ConfirmAnswer>((settle) => {
      const timer = this.clock.setTimeout(() => void this.#expire(id), this.ttlMs);
      this.#pending.set(id, { ...request, messageId, timer, settle, presses: [] });
      this.options.onChange?.();
    });
  }

  /** Ends a pending question: it leaves the table first, so that waiters counting questions see it. */
  #end(id: string, pending: Pending, answer: ConfirmAnswer): void {
    this.#pending.delete(id);
    this.clock.clearTimeout(pending.timer);
    pending.settle(pending.presses.length ? { ...answer, presses: pending.presses } : answer);
    this.options.onChange?.();
  }

  /** Handles a button press; returns false when the data is not one of ours. */
  async press(press: ButtonPress): Promise<boolean> {
    const match = new RegExp(`^${PREFIX}:(ok|no):([A-Za-z0-9_-]+)$`).exec(press.data);
    if (!match) return false;
    const [, action, id = ""] = match;
    const answers = catalog(press.lang ?? "en").bot.confirm;
    const pending = this.#pending.get(id);
    if (!pending) {
      await this.chat.answer(press.id, answers.gone);
      return true;
    }
    const record = {
      by: press.fromId,
      button: action === "ok" ? "Confirm" : "Cancel",
      at: this.clock.now(),
    } as const;
    if (press.fromId !== pending.userId) {
      pending.presses.push({ ...record, refused: "not the requester" });
      await this.chat.answer(press.id, answers.notYours, true);
      return true;
    }
    // A copy of the buttons elsewhere (a forwarded question, another chat) answers nothing.
    if (press.chatId !== pending.chatId || press.messageId !== pending.messageId) {
      pending.presses.push({ ...record, refused: "not on the question itself" });
      await this.chat.answer(press.id, answers.elsewhere, true);
      return true;
    }
    // Out of the table before the first await: a second press finds it answered.
    this.#pending.delete(id);
    pending.presses.push(record);
    if (action === "ok") {
      await this.chat.answer(press.id, answers.confirmed);
      this.#end(id, pending, { confirmed: true, messageId: pending.messageId });
    } else {
      await this.chat.answer(press.id, answers.cancelledToast);
      this.#end(id, pending, { confirmed: false, outcome: "cancelled" });
      const text = catalog(pending.lang).bot.confirm.cancelled({ summary: pending.summary });
      await this.chat.edit(pending.chatId, pending.messageId, text);
    }
    return true;
  }

  async #expire(id: string): Promise<void> {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#end(id, pending, { confirmed: false, outcome: "expired" });
    const text = catalog(pending.lang).bot.confirm.expired({ summary: pending.summary, ttlMs: this.ttlMs });
    await this.chat.edit(pending.chatId, pending.messageId, text).catch((err) => {
      this.options.log?.warn({ err }, "could not mark a confirmation as expired");
    });
  }

  /** Ends every pending question as cancelled (shutdown): nothing waits on a question no one can answer. */
  clear(): void {
    for (const [id, p] of [...this.#pending]) {
      this.#end(id, p, { confirmed: false, outcome: "cancelled", detail: "the bot stopped" });
    }
  }
}
