import { existsSync, statSync } from "node:fs";
import { backoffDelay } from "../backoff.ts";
import { MissionctlError } from "../errors.ts";
import type { RequestOptions, RequestResult } from "../ipc/request.ts";
import { applyPlan, type WrittenFile } from "./apply.ts";
import { SyncDataError } from "./errors.ts";
import { acquireSyncLock, SyncLockedError } from "./lock.ts";
import { inEnglish, type SyncMsg, syncMsg } from "./messages.ts";
import { planSync, type SyncInputs, type SyncPlan } from "./plan.ts";
import { crashedSource } from "./source.ts";

/** The part of the IPC command system a sync needs: correlated requests and reachability. */
export interface SagaIpc {
  request(
    target: string,
    type: string,
    payload: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<RequestResult>;
  waitUntilReachable(ids: string[], ms: number): Promise<string[]>;
}

/**
 * One line of the saga's progress: what it says as `msg` (the chat renders it in its user's
 * language, the shell in English) and `text`, its English.
 */
export interface SagaStep {
  step: string;
  ok: boolean;
  msg: SyncMsg;
  text: string;
}

/** How a sync run ended; `reason` is the English of `why`. */
export type SagaOutcome =
  | { outcome: "nothing"; steps: SagaStep[]; reason: string; why: SyncMsg }
  | { outcome: "refused"; steps: SagaStep[]; reason: string; why: SyncMsg }
  | {
      outcome: "ready";
      steps: SagaStep[];
      plan: Extract<SyncPlan, { kind: "sync" }>;
      written?: WrittenFile[];
    };

/** What to sync, whom to ask, and how long to wait. */
export interface SagaOptions {
  inputs: SyncInputs;
  /** The trade executor's process id; without one the executor is treated as unreachable. */
  executor?: string;
  /** The strategy's process id: a sync is refused while it is present (it would fight the sync). */
  strategyProcess?: string;
  assumeNoPending?: boolean;
  /** Write the plan's files (under the lock) once the dry run went through. */
  apply?: boolean;
  /** Per request, and for an executor to join (default 5000 / 1500 ms). */
  timeoutMs?: number;
  joinMs?: number;
  /** has_pending_order polls after a cancel, and their backoff (default 6; 200 ms doubling to 2 s). */
  pendingPolls?: number;
  pollBackoff?: { baseMs: number; maxMs: number };
  onStep?: (step: SagaStep) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** A step of the saga failed: the sync stops and says what was seen. */
class Refused extends MissionctlError<"SYNC_REFUSED"> {
  override name = "SyncRefused";
  constructor(readonly msg: SyncMsg) {
    super("SYNC_REFUSED", inEnglish(msg));
  }
}

type Note = (step: string, ok: boolean, msg: SyncMsg) => void;

/**
 * Runs a position sync (docs/position-sync.md): under the strategy's lock, refuse while the strategy
 * is present, then `info` → `cancel` when orders are pending → `has_pending_order` until false
 * (bounded, with backoff) → `flush_log` → replay, each a correlated request. Any step failing,
 * timing out or leaving orders pending stops it with what was seen; so does an unreachable executor
 * unless `assumeNoPending`. Writes only with `apply`.
 *
 * @example
 * const r = await runSyncSaga(ipc, { inputs: { base, executorLog }, executor: "te1", strategyProcess: "mm1" });
 * if (r.outcome === "ready") console.log(formatDiffTable(r.plan.rows, catalog("en")));
 */
export async function runSyncSaga(ipc: SagaIpc, options: SagaOptions): Promise<SagaOutcome> {
  const steps: SagaStep[] = [];
  const note: Note = (step, ok, msg) => {
    const s = { step, ok, msg, text: inEnglish(msg) };
    steps.push(s);
    options.onStep?.(s);
  };
  const end = (outcome: "nothing" | "refused", why: SyncMsg): SagaOutcome => ({
    outcome,
    steps,
    reason: inEnglish(why),
    why,
  });
  let release: () => void;
  try {
    release = acquireSyncLock(options.inputs.base);
  } catch (err) {
    if (!(err instanceof SyncLockedError)) throw err;
    note("lock", false, err.msg);
    return end("refused", err.msg);
  }
  try {
    const source = crashedSource(options.inputs);
    if (!source) {
      note("sessions", true, syncMsg("cleanEndStep"));
      return end("nothing", syncMsg("cleanEnd"));
    }
    note("sessions", true, syncMsg("crashed", { session: source.session, source: source.source }));
    await quietExecutor(ipc, options, source.source, note);
    const plan = planSync(options.inputs);
    if (plan.kind !== "sync") return end("nothing", plan.why);
    note("replay", true, syncMsg("replayed", { applied: plan.applied, baseline: plan.baselineFile }));
    if (!options.apply) return { outcome: "ready", steps, plan };
    const written = applyPlan(plan);
    note("write", true, syncMsg("written", { files: written }));
    return { outcome: "ready", steps, plan, written };
  } catch (err) {
    if (!(err instanceof Refused || err instanceof SyncDataError)) throw err;
    if (err instanceof SyncDataError) note("replay", false, err.msg);
    return end("refused", err.msg);
  } finally {
    release();
  }
}

async function quietExecutor(ipc: SagaIpc, o: SagaOptions, source: string, note: Note): Promise<void> {
  const fail = (step: string, msg: SyncMsg): never => {
    note(step, false, msg);
    throw new Refused(msg);
  };
  const joinMs = o.joinMs ?? 1500;
  if (o.strategyProcess) {
    const absent = await ipc.waitUntilReachable([o.strategyProcess], Math.min(joinMs, 500));
    if (absent.length === 0) {
      fail("strategy", syncMsg("strategyRunning", { process: o.strategyProcess }));
    }
  }
  const executor = o.executor;
  const unreachable = !executor || (await ipc.waitUntilReachable([executor], joinMs)).length > 0;
  if (unreachable) {
    if (!o.assumeNoPending) fail("executor", syncMsg("executorUnreachable", { executor }));
    note("executor", true, syncMsg("assumedNoPending", { executor }));
    return;
  }
  const ask = async (type: string): Promise<Record<string, unknown>> => {
    const r = await ipc.request(
      executor,
      type,
      { source },
      { timeoutMs: o.timeoutMs ?? 5000, joinWindowMs: joinMs },
    );
    const reply = r.terminal.get(executor);
    if (!reply) {
      const why = r.missing.get(executor) ?? "timeout";
      return fail(type, syncMsg("noReply", { request: type, executor, why }));
    }
    if (reply.status !== "ok") {
      // The executor's own words: they stay as it wrote them, in every language.
      return fail(type, syncMsg("executorError", { request: type, executor, error: reply.error ?? "?" }));
    }
    return reply.result ?? {};
  };
  const info = await ask("info");
  const pending = Number(info.pending_orders ?? 0);
  note("info", true, syncMsg("info", { pending, trades: Number(info.trades ?? 0) }));
  if (pending > 0) {
    const c = await ask("cancel");
    note("cancel", true, syncMsg("cancelSent", { orders: Number(c.canceled_orders ?? 0) }));
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const polls = o.pendingPolls ?? 6;
    let still = true;
    for (let i = 1; i <= polls && still; i++) {
      await sleep(backoffDelay(i, o.pollBackoff ?? { baseMs: 200, maxMs: 2000 }));
      still = (await ask("has_pending_order")).pending === true;
    }
    if (still) fail("has_pending_order", syncMsg("stillPending", { checks: polls }));
    note("has_pending_order", true, syncMsg("noPending"));
  }
  const f = await ask("flush_log");
  const file = typeof f.log_file === "string" ? f.log_file : "";
  const bytes = Number(f.bytes ?? 0);
  // When the flushed log is on this host, it must be at least as long as the executor says.
  if (file && existsSync(file) && statSync(file).size < bytes) {
    fail("flush_log", syncMsg("flushMismatch", { file, onDisk: statSync(file).size, bytes }));
  }
  note("flush_log", true, syncMsg("flushed", { file: file || undefined, bytes }));
}
