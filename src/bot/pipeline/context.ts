/**
 * The narrow context a command's handler gets (see {@link CommandContext}): replies, tracked IPC
 * requests, read-only monitor views and mutes in the user's name. The raw IPC and monitor stay here.
 */
import { catalog } from "../../i18n/index.ts";
import { isGroupTarget, targetMatches } from "../../ipc/ids.ts";
import { LiveMessage } from "../live-message.ts";
import { syncOps } from "../sync-ops.ts";
import { trackRequests } from "../tracker.ts";
import type { CommandContext, CommandDefinition, HistoryView, TargetsView } from "../types.ts";
import type { Invocation, PipelineDeps } from "./invocation.ts";

/** The history of a bot without a state database: nothing is kept. */
const NO_HISTORY: HistoryView = { kept: false, recent: () => [] };

/** Unicast ids as given; groups expanded over the processes connected, heard or monitored now. */
export function targetsView(deps: Pick<PipelineDeps, "ipc" | "monitor">): TargetsView {
  return {
    expand(targets) {
      const known = new Set([
        ...deps.ipc.presence.ids(),
        ...deps.ipc.heardProcesses(),
        ...deps.monitor.processes().map((p) => p.id),
      ]);
      const out = new Set<string>();
      for (const t of targets) {
        if (!isGroupTarget(t)) out.add(t);
        else for (const id of known) if (targetMatches(t, id)) out.add(id);
      }
      return [...out].sort();
    },
    connected: (target) => deps.ipc.presence.matching(target),
  };
}

/**
 * Builds the context for one run of `def`. Whatever it sends and records lands in `inv.record`,
 * which the audit stage publishes.
 *
 * @example
 * await def.handler(commandContext(deps, inv, def), inv.args);
 */
export function commandContext(deps: PipelineDeps, inv: Invocation, def: CommandDefinition): CommandContext {
  const { message, record } = inv;
  const { bus, chat, monitor } = deps;
  // The confirmation question becomes the command's first answer (one message, not two).
  let inPlaceOf = inv.answerInPlaceOf;
  const takeInPlaceOf = () => {
    const id = inPlaceOf;
    inPlaceOf = undefined;
    return id;
  };
  const userName = message.userName || String(message.userId);
  const targets = targetsView(deps);
  const t = catalog(inv.lang);
  return {
    user: { id: message.userId, name: message.userName },
    chatId: message.chatId,
    lang: inv.lang,
    t,
    role: inv.role ?? "viewer",
    command: def.name,
    clock: deps.clock,
    log: deps.log.child({ cmd: def.name }),
    commands: deps.registry.list,
    targets,
    get layout() {
      const proxy = deps.ipc.transport.proxy;
      return proxy === undefined
        ? t.bot.layoutIpc({ dir: deps.config.MISSIONCTL_IPC_DIR })
        : t.bot.layoutProxy({ proxy, linkUp: deps.ipc.proxyLinkUp === true });
    },
    monitor: {
      processes: () => monitor.processes(),
      incidents: () => monitor.incidents(),
      mutes: () => monitor.mutes(),
    },
    history: deps.history ?? NO_HISTORY,
    mutes: {
      add: (target, durationMs) => monitor.mute(target, durationMs, userName),
      remove: (target) => monitor.unmute(target),
    },
    sync: syncOps(deps, { chatId: message.chatId, userId: message.userId, lang: inv.lang }),
    reply: async (text) => {
      const id = takeInPlaceOf();
      if (id !== undefined) await chat.edit(message.chatId, id, text);
      else await chat.send(message.chatId, text);
    },
    track: async (spec) => {
      const messageId = takeInPlaceOf();
      // Remembered until its final text is shown: after a crash, the next start says what became of it.
      const asked = spec.requests.map((r) => r.target);
      const stopping = spec.stops ? targets.expand(asked) : [];
      const inflight = deps.inflight?.begin(message.chatId, spec.verb, asked, stopping);
      if (messageId !== undefined) inflight?.sent(messageId);
      const live = new LiveMessage(chat, message.chatId, deps.clock, {
        minEditIntervalMs: deps.editIntervalMs,
        log: deps.log,
        ...(messageId !== undefined ? { messageId } : {}),
        ...(inflight ? { onFirstSent: (id: number) => inflight.sent(id) } : {}),
      });
      const lastReply = new Map<string, { at: number; elapsedMs: number; error?: string }>();
      const result = await trackRequests(
        {
          ipc: deps.ipc,
          live,
          t,
          timeoutMs: deps.config.MISSIONCTL_REPLY_TIMEOUT_MS,
          exits: {
            expand: targets.expand,
            expectExit: (ids) => monitor.expectExit(ids),
            cancelExpectedExit: (ids) => monitor.cancelExpectedExit(ids),
          },
          onSent: (commandId, target) =>
            bus.emit("command.sent", {
              userId: message.userId,
              chatId: message.chatId,
              command: def.name,
              commandId,
              targets: [target],
            }),
          onReply: (commandId, r) => {
            lastReply.set(r.from, {
              at: deps.clock.now(),
              elapsedMs: r.elapsedMs,
              ...(r.error !== undefined ? { error: r.error } : {}),
            });
            bus.emit("command.reply", {
              commandId,
              from: r.from,
              status: r.status,
              elapsedMs: r.elapsedMs,
              ...(r.error !== undefined ? { error: r.error } : {}),
            });
          },
        },
        spec,
      );
      // Only a final text the chat shows ends it; one that could not be shown is for the next start.
      if (!live.failed) inflight?.end();
      const now = deps.clock.now();
      for (const [id, outcome] of result.processes) {
        const reply = lastReply.get(id);
        record.processes.push({
          id,
          outcome,
          at: reply?.at ?? now,
          ...(reply ? { elapsedMs: reply.elapsedMs } : {}),
          ...(reply?.error !== undefined ? { detail: reply.error } : {}),
        });
      }
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
}
