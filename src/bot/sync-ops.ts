/**
 * The /sync capability of a command context (docs/position-sync.md): the saga over the bot's own
 * IPC, shown as one live message, then Apply / Cancel for the requester. Commands get this, never
 * the raw IPC or the file system. The saga's steps, reasons and diff table come from src/recovery
 * as SyncMsg data, shared with `missionctl sync`; here they are said in the user's language.
 */
import { catalog, type Lang } from "../i18n/index.ts";
import { applyIfUnchanged } from "../recovery/apply-checked.ts";
import { formatDiffTable } from "../recovery/diff-table.ts";
import { type SyncMsg, sayIn } from "../recovery/messages.ts";
import { runSyncSaga } from "../recovery/saga.ts";
import { SyncMapError, type SyncTarget, syncTarget } from "../recovery/sync-map.ts";
import { LiveMessage } from "./live-message.ts";
import type { PipelineDeps } from "./pipeline/invocation.ts";
import type { Outcome, SyncOps } from "./types.ts";

type Deps = Pick<
  PipelineDeps,
  "ipc" | "config" | "chat" | "clock" | "confirmations" | "log" | "editIntervalMs"
>;

/**
 * Builds the sync capability for one invocation (one user in one chat).
 *
 * @example
 * const sync = syncOps(deps, { chatId: 42, userId: 1001, lang: "en" });
 * await sync.run("mm2", { overwrite: false }); // { outcome: "ok", detail: "wrote …" }
 */
export function syncOps(deps: Deps, who: { chatId: number; userId: number; lang: Lang }): SyncOps {
  const c = catalog(who.lang);
  const t = c.bot.sync;
  const say = (m: SyncMsg) => sayIn(c, m);
  // The audit keeps the English text of how it ended, whatever the user read (logs stay English).
  const en = catalog("en").bot.sync;
  return {
    run: async (processId, { overwrite }) => {
      let target: SyncTarget;
      try {
        target = syncTarget(deps.config.MISSIONCTL_SYNC_MAP, processId);
      } catch (err) {
        if (!(err instanceof SyncMapError)) throw err;
        await deps.chat.send(who.chatId, say(err.msg));
        return { outcome: "invalid", detail: err.message };
      }
      const inputs = {
        base: target.base,
        executorLog: target.executor_log,
        strategy: target.strategy,
        overwrite,
      };
      const head = (final: boolean) => t.head({ process: processId, executor: target.executor, final });
      const lines: string[] = [];
      const live = new LiveMessage(deps.chat, who.chatId, deps.clock, {
        minEditIntervalMs: deps.editIntervalMs,
        log: deps.log,
      });
      live.update(head(false));
      // The bot hears every strategy; the executor it hears from now on (idempotent).
      if (deps.ipc.transport.proxy === undefined) deps.ipc.connectToProcess(target.executor);
      const r = await runSyncSaga(deps.ipc, {
        inputs,
        executor: target.executor,
        strategyProcess: processId,
        timeoutMs: deps.config.MISSIONCTL_REPLY_TIMEOUT_MS,
        onStep: (s) => {
          lines.push(t.step({ ok: s.ok, step: s.step, text: say(s.msg) }));
          live.update([head(false), ...lines].join("\n"));
        },
      });
      if (r.outcome !== "ready") {
        const end = r.outcome === "nothing" ? "nothing" : "refused";
        await live.finish([head(true), ...lines, t[end]({ reason: say(r.why) })].join("\n"));
        return { outcome: r.outcome === "nothing" ? "ok" : "error", detail: en[end]({ reason: r.reason }) };
      }
      const p = r.plan;
      await live.finish(
        [
          head(true),
          ...lines,
          "",
          formatDiffTable(p.rows, c),
          ...p.warningMsgs.map((w) => t.warning({ text: say(w) })),
        ].join("\n"),
      );
      const answer = await deps.confirmations.ask({
        userId: who.userId,
        chatId: who.chatId,
        summary: t.summary({ process: processId }),
        ok: "apply",
        details: [t.writes({ paths: p.writes.map((w) => w.path) })],
        lang: who.lang,
      });
      if (!answer.confirmed) return { outcome: answer.outcome, detail: answer.detail ?? answer.outcome };
      // The question's message says it in the user's language; the audit records the English.
      const done = (said: string, recorded: string, outcome: Outcome) =>
        deps.chat.edit(who.chatId, answer.messageId, said).then(() => ({ outcome, detail: recorded }));
      const which = { process: processId };
      // Between the dry run and the press the strategy may have been restarted.
      if (deps.ipc.presence.has(processId)) {
        return done(t.runningAgain(which), en.runningAgain(which), "error");
      }
      const applied = applyIfUnchanged(inputs, p.fingerprint);
      if ("refused" in applied) {
        const said = t.notApplied({ ...which, reason: say(applied.why) });
        return done(said, en.notApplied({ ...which, reason: applied.refused }), "error");
      }
      const wrote = { ...which, files: applied.written };
      return done(t.wrote(wrote), en.wrote(wrote), "ok");
    },
  };
}
