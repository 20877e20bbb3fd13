/**
 * One chat command on its way through the pipeline: the message it came in, what each stage
 * learned (role, definition, arguments), and the audit record the outer stage publishes.
 */
import type { Clock } from "../../clock.ts";
import type { Config } from "../../config.ts";
import type { CommandConfirmation, CommandProcessResult, LifecycleBus } from "../../events.ts";
import type { Lang } from "../../i18n/index.ts";
import type { IpcCommandSystem } from "../../ipc/command-system.ts";
import type { Logger } from "../../log.ts";
import type { MonitorApi } from "../../monitor/types.ts";
import type { ChatApi } from "../chat.ts";
import type { Confirmations } from "../confirmations.ts";
import type { Registry } from "../registry.ts";
import type { CommandDefinition, CommandTokens, HistoryView, Outcome, Role } from "../types.ts";

/** An incoming text message (the fields we use). */
export interface IncomingMessage {
  userId: number;
  userName: string;
  chatId: number;
  text: string;
  /** When the user sent it (epoch ms; Telegram's message date). */
  sentAt?: number;
  /** The sender's Telegram `language_code` (`zh-hans`, `en`, …), when Telegram says. */
  languageCode?: string;
  /**
   * Set when the text is not the sender's own command: `forwarded` (someone else's message, maybe
   * old, passed on) or `sender_chat` (sent as a group or channel, so `userId` is no person).
   */
  relayed?: "forwarded" | "sender_chat";
}

/** What the audit stage publishes when the invocation ends: `command.denied` or `command.done`. */
export interface AuditRecord {
  targets: string[];
  commandIds: string[];
  outcome: Outcome;
  detail?: string;
  /** How each process reached ended, and when. */
  processes: CommandProcessResult[];
  confirmation?: CommandConfirmation;
  /** Set when the user was refused (who they are, what they sent): published as `command.denied`. */
  denied?: string;
}

export interface Invocation {
  readonly message: IncomingMessage;
  /** The command name as typed (lower case), known or not. */
  readonly name: string;
  readonly tokens: CommandTokens;
  readonly record: AuditRecord;
  /** The language every answer to this invocation is in (the sender's, else MISSIONCTL_LANG). */
  readonly lang: Lang;
  role?: Role;
  def?: CommandDefinition;
  args?: unknown;
  /** The confirmation question's message: the command's first answer replaces it. */
  answerInPlaceOf?: number;
}

/** What the stages share. Only the run stage hands a narrow part of it to the command. */
export interface PipelineDeps {
  config: Config;
  clock: Clock;
  bus: LifecycleBus;
  log: Logger;
  ipc: IpcCommandSystem;
  monitor: MonitorApi;
  registry: Registry;
  chat: ChatApi;
  confirmations: Confirmations;
  /** Minimum interval between edits of one progress message. */
  editIntervalMs: number;
  /** The audit records, read-only (/history); absent without a state database. */
  history?: HistoryView;
  /** Progress messages in flight, kept so that a restart can finish them; absent without a state. */
  inflight?: InflightMessages;
}

/** Progress messages of commands in flight, as the state keeps them. */
export interface InflightMessages {
  /**
   * A tracked command began (`stopping`: the processes it asks to exit); tell the handle its message
   * id, and end it once the final text is shown.
   */
  begin(
    chatId: number,
    verb: string,
    targets: string[],
    stopping: string[],
  ): { sent(messageId: number): void; end(): void };
}

/** Sends one line (or more) to the invocation's chat. */
export const say = (deps: Pick<PipelineDeps, "chat">, inv: Invocation, text: string): Promise<void> =>
  deps.chat.send(inv.message.chatId, text).then(() => undefined);

/** Refuses the user: recorded as denied (with `reason`), told `text`. */
export function deny(deps: Pick<PipelineDeps, "chat">, inv: Invocation, reason: string, text: string) {
  inv.record.denied = reason;
  return say(deps, inv, text);
}

/** Ends the invocation without running it: recorded with `outcome`, the user told `text`. */
export function refuse(
  deps: Pick<PipelineDeps, "chat">,
  inv: Invocation,
  outcome: Outcome,
  detail: string,
  text: string,
) {
  inv.record.outcome = outcome;
  inv.record.detail = detail;
  return say(deps, inv, text);
}
