/**
 * The /sync capability of a command context (docs/position-sync.md): the saga over the bot's own
 * IPC, shown as one live message, then Apply / Cancel for the requester. Commands get this, never
 * the raw IPC or the file system.
 */

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
 * const sync = syncOps(deps, { chatId: 42, userId: 1001 });
 * await sync.run("mm2", { overwrite: false }); // { outcome: "ok", detail: "wrote …" }
 */
export function syncOps(deps: Deps, who: { chatId: number; userId: number }): SyncOps {
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
      const head = `sync ${processId} (executor ${target.executor})`;
      const lines: string[] = [];
      const live = new LiveMessage(deps.chat, who.chatId, deps.clock, {
        minEditIntervalMs: deps.editIntervalMs,
        log: deps.log,
      });
      live.update(`${head} …`);
      // The bot hears every strategy; the executor it hears from now on (idempotent).
      if (deps.ipc.transport.proxy === undefined) deps.ipc.connectToProcess(target.executor);
      const r = await runSyncSaga(deps.ipc, {
        inputs,
        executor: target.executor,
        strategyProcess: processId,
        timeoutMs: deps.config.MISSIONCTL_REPLY_TIMEOUT_MS,
        onStep: (s) => {
          lines.push(`${s.ok ? "✓" : "✗"} ${s.step}: ${s.text}`);
          live.update([`${head} …`, ...lines].join("\n"));
        },
      });
      if (r.outcome !== "ready") {
        const end = r.outcome === "nothing" ? `nothing to sync: ${r.reason}` : `refused: ${r.reason}`;
        await live.finish([head, ...lines, end].join("\n"));
        return { outcome: r.outcome === "nothing" ? "ok" : "error", detail: end };
      }
      const p = r.plan;
      await live.finish(
        [head, ...lines, "", formatDiffTable(p.rows), ...p.warnings.map((w) => `warning: ${w}`)].join("\n"),
      );
      const answer = await deps.confirmations.ask({
        userId: who.userId,
        chatId: who.chatId,
        summary: `sync ${processId}`,
        okText: "Apply",
        details: [`It writes ${p.writes.map((w) => w.path).join(", ")}.`],
      });
      if (!answer.confirmed) return { outcome: answer.outcome, detail: answer.detail ?? answer.outcome };
      const done = (text: string, outcome: Outcome) =>
        deps.chat.edit(who.chatId, answer.messageId, text).then(() => ({ outcome, detail: text }));
      // Between the dry run and the press the strategy may have been restarted.
      if (deps.ipc.presence.has(processId)) {
        return done(`sync ${processId}: ${processId} is running again; nothing was written.`, "error");
      }
      const applied = applyIfUnchanged(inputs, p.fingerprint);
      if ("refused" in applied) return done(`sync ${processId}: ${applied.refused}`, "error");
      const wrote = applied.written.map((w) => `${w.path}${w.changed ? "" : " (unchanged)"}`);
      return done(`sync ${processId}: wrote ${wrote.join(", ")}`, "ok");
    },
  };
}
