/**
 * The /sync capability of a command context (docs/position-sync.md): the saga over the bot's own
 * IPC, shown as one live message, then Apply / Cancel for the requester. Commands get this, never
 * the raw IPC or the file system. The saga's own texts (steps, reasons, the diff table) come from
 * src/recovery, shared with `missionctl sync`, and stay English.
 */
import { catalog, type Lang } from "../i18n/index.ts";
import { applyIfUnchanged } from "../recovery/apply-checked.ts";
import { formatDiffTable } from "../recovery/diff.ts";
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
  const t = catalog(who.lang).bot.sync;
  // The audit keeps the English text of how it ended, whatever the user read (logs stay English).
  const en = catalog("en").bot.sync;
  return {
    run: async (processId, { overwrite }) => {
      let target: SyncTarget;
      try {
        target = syncTarget(deps.config.MISSIONCTL_SYNC_MAP, processId);
      } catch (err) {
        if (!(err instanceof SyncMapError)) throw err;
        await deps.chat.send(who.chatId, err.message);
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
          lines.push(t.step({ ok: s.ok, step: s.step, text: s.text }));
          live.update([head(false), ...lines].join("\n"));
        },
      });
      if (r.outcome !== "ready") {
        const end = r.outcome === "nothing" ? "nothing" : "refused";
        await live.finish([head(true), ...lines, t[end]({ reason: r.reason })].join("\n"));
        return { outcome: r.outcome === "nothing" ? "ok" : "error", detail: en[end]({ reason: r.reason }) };
      }
      const p = r.plan;
      await live.finish(
        [
          head(true),
          ...lines,
          "",
          formatDiffTable(p.rows),
          ...p.warnings.map((w) => t.warning({ text: w })),
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
      const done = <K extends "runningAgain" | "notApplied" | "wrote">(
        key: K,
        params: Parameters<(typeof t)[K]>[0],
        outcome: Outcome,
      ) => {
        const say = t[key] as (p: typeof params) => string;
        const record = en[key] as (p: typeof params) => string;
        return deps.chat
          .edit(who.chatId, answer.messageId, say(params))
          .then(() => ({ outcome, detail: record(params) }));
      };
      // Between the dry run and the press the strategy may have been restarted.
      if (deps.ipc.presence.has(processId)) {
        return done("runningAgain", { process: processId }, "error");
      }
      const applied = applyIfUnchanged(inputs, p.fingerprint);
      if ("refused" in applied)
        return done("notApplied", { process: processId, reason: applied.refused }, "error");
      return done("wrote", { process: processId, files: applied.written }, "ok");
    },
  };
}
