/**
 * From a chat message to a command run: tokenize, authorize, validate, confirm when required, run
 * the handler, and publish the command's lifecycle on the bus (which the audit log observes).
 */
import { isGroupTarget } from "../ipc/ids.ts";
import { isAbortError } from "../telegram/retry.ts";
import { allows, notAuthorizedText, roleOf } from "./auth.ts";
import type { ChatApi } from "./chat.ts";
import type { Confirmations } from "./confirmations.ts";
import { formatDuration } from "./format.ts";
import { LiveMessage } from "./live-message.ts";
import type { Registry } from "./registry.ts";
import { tokenize } from "./tokenizer.ts";
import { trackRequests } from "./tracker.ts";
import type { BotServices, CommandContext, CommandDefinition, Outcome, Role } from "./types.ts";

/** An incoming text message (the fields we use). */
export interface IncomingMessage {
  userId: number;
  userName: string;
  chatId: number;
  text: string;
  /** When the user sent it (epoch ms; Telegram's message date). */
  sentAt?: number;
  /**
   * Set when the text is not the sender's own command: `forwarded` (someone else's message, maybe
   * old, passed on) or `sender_chat` (sent as a group or channel, so `userId` is no person).
   */
  relayed?: "forwarded" | "sender_chat";
}

/** What the bot says instead of running a relayed command (one line). */
export const RELAYED_TEXT = {
  forwarded: "Forwarded commands are not run: type the command yourself.",
  sender_chat: "Commands sent as a group or channel are not run: send the command as yourself.",
} as const;

/**
 * Operator commands older than this are not run: after the bot was down, Telegram delivers the
 * backlog, and an `/exit *` typed ten minutes ago must not fire now, unseen.
 */
export const STALE_COMMAND_MS = 120_000;

export interface DispatcherDeps extends BotServices {
  registry: Registry;
  chat: ChatApi;
  confirmations: Confirmations;
  /** The bot's username, to ignore `/cmd@OtherBot` in groups. */
  botUsername: () => string | undefined;
  /** Minimum interval between edits of one progress message. */
  editIntervalMs: number;
  /** Runs work detached from telegraf's update handling, so long commands never hold up polling. */
  spawn: (work: () => Promise<void>) => void;
}

interface Invocation {
  def: CommandDefinition;
  args: unknown;
  message: IncomingMessage;
  role: Role;
}

/**
 * Creates the message handler.
 *
 * @example
 * const dispatch = createDispatcher(deps);
 * dispatch({ userId: 42, userName: "ann", chatId: 42, text: "/ping mm1" });
 */
export function createDispatcher(deps: DispatcherDeps): (message: IncomingMessage) => void {
  const { bus, chat, config } = deps;
  const say = (chatId: number, text: string) => chat.send(chatId, text).then(() => undefined);

  const run = async (inv: Invocation, reuseMessageId?: number): Promise<void> => {
    const { def, args, message } = inv;
    const record: { targets: string[]; commandIds: string[]; outcome: Outcome; detail?: string } = {
      targets: def.targets?.(args) ?? [],
      commandIds: [],
      outcome: "ok",
    };
    let reuse = reuseMessageId;
    const ctx: CommandContext = {
      user: { id: message.userId, name: message.userName },
      chatId: message.chatId,
      role: inv.role,
      command: def.name,
      ipc: deps.ipc,
      monitor: deps.monitor,
      config,
      clock: deps.clock,
      bus,
      log: deps.log,
      commands: deps.registry.list,
      reply: async (text) => {
        if (reuse !== undefined) {
          const id = reuse;
          reuse = undefined;
          await chat.edit(message.chatId, id, text);
        } else await say(message.chatId, text);
      },
      track: async (spec) => {
        const live = new LiveMessage(chat, message.chatId, deps.clock, {
          minEditIntervalMs: deps.editIntervalMs,
          log: deps.log,
          ...(reuse !== undefined ? { messageId: reuse } : {}),
        });
        reuse = undefined;
        const result = await trackRequests(
          {
            ipc: deps.ipc,
            live,
            timeoutMs: config.MISSIONCTL_REPLY_TIMEOUT_MS,
            onSent: (commandId, target) =>
              bus.emit("command.sent", {
                userId: message.userId,
                chatId: message.chatId,
                command: def.name,
                commandId,
                targets: [target],
              }),
            onReply: (commandId, r) =>
              bus.emit("command.reply", {
                commandId,
                from: r.from,
                status: r.status,
                elapsedMs: r.elapsedMs,
                ...(r.error !== undefined ? { error: r.error } : {}),
              }),
          },
          spec,
        );
        record.commandIds.push(...result.commandIds);
        if (record.targets.length === 0) record.targets = result.targets;
        if (result.outcome !== "ok") record.outcome = result.outcome;
        return { outcome: result.outcome, processes: result.processes };
      },
      record: (entry) => {
        if (entry.targets) record.targets = entry.targets;
        if (entry.outcome) record.outcome = entry.outcome;
        if (entry.detail) record.detail = entry.detail;
      },
    };
    try {
      await def.handler(ctx, args);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      // The bot is stopping: the command's answer was abandoned, the handler did not fail.
      if (isAbortError(err)) {
        deps.log.info({ command: def.name }, "command cut short by the stop");
        done(message, def.name, { ...record, outcome: "error", detail: text });
        return;
      }
      deps.log.error({ err, command: def.name }, "command handler failed");
      record.outcome = "error";
      record.detail = text;
      await say(message.chatId, `Sorry, /${def.name} failed: ${text.slice(0, 300)}`).catch(() => {});
    }
    done(message, def.name, record);
  };

  const done = (
    message: IncomingMessage,
    command: string,
    r: { targets: string[]; commandIds?: string[]; outcome: Outcome; detail?: string },
  ) =>
    bus.emit("command.done", {
      userId: message.userId,
      chatId: message.chatId,
      command,
      targets: r.targets,
      outcome: r.outcome,
      ...(r.commandIds?.length ? { commandId: r.commandIds.join(",") } : {}),
      ...(r.detail ? { detail: r.detail } : {}),
    });

  const handle = async (message: IncomingMessage): Promise<void> => {
    const parsed = tokenize(message.text, deps.botUsername());
    if (!parsed) return;
    const { userId, chatId } = message;
    bus.emit("command.received", { userId, chatId, command: parsed.name, text: message.text });
    const refuse = async (kind: "forwarded" | "sender_chat") => {
      bus.emit("command.denied", { userId, chatId, command: parsed.name, reason: `${kind} message` });
      await say(chatId, RELAYED_TEXT[kind]);
    };
    // Before authorization: the id of a message sent as a chat is Telegram's stand-in, not a user's.
    if (message.relayed === "sender_chat") return refuse("sender_chat");
    const role = roleOf(config, userId);
    if (!role) {
      bus.emit("command.denied", { userId, chatId, command: parsed.name, reason: "not authorized" });
      await say(chatId, notAuthorizedText(userId));
      return;
    }
    // After it: a stranger hears the one line DESIGN §7 promises, whatever they sent.
    if (message.relayed === "forwarded") return refuse("forwarded");
    const def = deps.registry.byName.get(parsed.name);
    if (!def) {
      done(message, parsed.name, { targets: [], outcome: "invalid", detail: "unknown command" });
      await say(chatId, `Unknown command /${parsed.name}. Send /help for the list.`);
      return;
    }
    if (!allows(role, def.role)) {
      bus.emit("command.denied", { userId, chatId, command: def.name, reason: `needs ${def.role}` });
      await say(chatId, `/${def.name} needs the ${def.role} role; you are a ${role}.`);
      return;
    }
    const checked = def.schema.safeParse(parsed.tokens);
    if (!checked.success) {
      const problems = [...new Set(checked.error.issues.map((i) => i.message))];
      done(message, def.name, { targets: [], outcome: "invalid", detail: problems.join("; ") });
      await say(chatId, `Usage: ${def.usage}\n${problems.join("\n")}`);
      return;
    }
    const age = message.sentAt === undefined ? 0 : deps.clock.now() - message.sentAt;
    if (def.role === "operator" && age > STALE_COMMAND_MS) {
      done(message, def.name, {
        targets: [],
        outcome: "expired",
        detail: `sent ${Math.round(age / 1000)} s ago`,
      });
      await say(
        chatId,
        `Not run: ${message.text.trim()} was sent ${formatDuration(age)} ago, while the bot was not reading. Send it again if you still mean it.`,
      );
      return;
    }
    const inv: Invocation = { def, args: checked.data, message, role };
    if (!def.confirm(checked.data)) return run(inv);
    const targets = def.targets?.(checked.data) ?? [];
    const groups = targets.filter(isGroupTarget);
    const reach = [...new Set(groups.flatMap((t) => deps.ipc.presence.matching(t)))];
    await deps.confirmations.ask({
      userId,
      chatId,
      summary: message.text.trim().replace(/^\/(\w+)@\w+/, "/$1"),
      details: groups.length ? [`Connected now: ${reach.length ? reach.join(", ") : "none"}`] : [],
      onConfirm: (messageId) => deps.spawn(() => run(inv, messageId)),
      onEnd: (outcome) => done(message, def.name, { targets, outcome }),
    });
  };

  return (message) =>
    deps.spawn(async () => {
      try {
        await handle(message);
      } catch (err) {
        deps.log.error({ err }, "message handling failed");
        await say(message.chatId, "Sorry, something went wrong; the error is logged.").catch(() => {});
      }
    });
}
