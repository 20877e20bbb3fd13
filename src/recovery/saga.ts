import { existsSync, statSync } from "node:fs";
import { backoffDelay } from "../backoff.ts";
import { MissionctlError } from "../errors.ts";
import type { RequestOptions, RequestResult } from "../ipc/request.ts";
import { applyPlan, type WrittenFile } from "./apply.ts";
import { SyncDataError } from "./errors.ts";
import { acquireSyncLock, SyncLockedError } from "./lock.ts";
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

/** One line of the saga's progress, as the shell and the chat show it. */
export interface SagaStep {
  step: string;
  ok: boolean;
  text: string;
}

/** How a sync run ended. */
export type SagaOutcome =
  | { outcome: "nothing"; steps: SagaStep[]; reason: string }
  | { outcome: "refused"; steps: SagaStep[]; reason: string }
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
  constructor(message: string) {
    super("SYNC_REFUSED", message);
  }
}

/**
 * Runs a position sync (docs/position-sync.md): under the strategy's lock, refuse while the strategy
 * is present, then `info` → `cancel` when orders are pending → `has_pending_order` until false
 * (bounded, with backoff) → `flush_log` → replay, each a correlated request. Any step failing,
 * timing out or leaving orders pending stops it with what was seen; so does an unreachable executor
 * unless `assumeNoPending`. Writes only with `apply`.
 *
 * @example
 * const r = await runSyncSaga(ipc, { inputs: { base, executorLog }, executor: "te1", strategyProcess: "mm1" });
 * if (r.outcome === "ready") console.log(formatDiffTable(r.plan.rows));
 */
export async function runSyncSaga(ipc: SagaIpc, options: SagaOptions): Promise<SagaOutcome> {
  const steps: SagaStep[] = [];
  const note = (step: string, ok: boolean, text: string) => {
    const s = { step, ok, text };
    steps.push(s);
    options.onStep?.(s);
  };
  let release: () => void;
  try {
    release = acquireSyncLock(options.inputs.base);
  } catch (err) {
    if (!(err instanceof SyncLockedError)) throw err;
    note("lock", false, err.message);
    return { outcome: "refused", steps, reason: err.message };
  }
  try {
    const source = crashedSource(options.inputs);
    if (!source) {
      note("sessions", true, "the last session ended cleanly: nothing to sync");
      return { outcome: "nothing", steps, reason: "the last session ended cleanly" };
    }
    note("sessions", true, `crashed session ${source.session} (source ${source.source})`);
    await quietExecutor(ipc, options, source.source, note);
    const plan = planSync(options.inputs);
    if (plan.kind !== "sync") return { outcome: "nothing", steps, reason: plan.reason };
    note("replay", true, `${plan.applied} trade(s) replayed from ${plan.baseline}`);
    if (!options.apply) return { outcome: "ready", steps, plan };
    const written = applyPlan(plan);
    note("write", true, written.map((w) => `${w.path}${w.changed ? "" : " (unchanged)"}`).join(", "));
    return { outcome: "ready", steps, plan, written };
  } catch (err) {
    if (!(err instanceof Refused || err instanceof SyncDataError)) throw err;
    if (err instanceof SyncDataError) note("replay", false, err.message);
    return { outcome: "refused", steps, reason: err.message };
  } finally {
    release();
  }
}

async function quietExecutor(
  ipc: SagaIpc,
  o: SagaOptions,
  source: string,
  note: (step: string, ok: boolean, text: string) => void,
): Promise<void> {
  const fail = (step: string, text: string): never => {
    note(step, false, text);
    throw new Refused(text);
  };
  const joinMs = o.joinMs ?? 1500;
  if (o.strategyProcess) {
    const absent = await ipc.waitUntilReachable([o.strategyProcess], Math.min(joinMs, 500));
    if (absent.length === 0) {
      fail("strategy", `${o.strategyProcess} is running again: a sync now would fight it`);
    }
  }
  const executor = o.executor;
  const unreachable = !executor || (await ipc.waitUntilReachable([executor], joinMs)).length > 0;
  if (unreachable) {
    const who = executor ?? "(no executor id)";
    if (!o.assumeNoPending)
      fail("executor", `executor ${who} unreachable (use --assume-no-pending if it is gone)`);
    note("executor", true, `executor ${who} unreachable: assuming no pending orders`);
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
    if (!reply)
      return fail(type, `${type}: no reply from ${executor} (${r.missing.get(executor) ?? "timeout"})`);
    if (reply.status !== "ok")
      return fail(type, `${type}: ${executor} answered error: ${reply.error ?? "?"}`);
    return reply.result ?? {};
  };
  const info = await ask("info");
  const pending = Number(info.pending_orders ?? 0);
  note("info", true, `${pending} pending order(s), ${Number(info.trades ?? 0)} trade(s)`);
  if (pending > 0) {
    const c = await ask("cancel");
    note("cancel", true, `cancel sent for ${Number(c.canceled_orders ?? 0)} order(s)`);
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const polls = o.pendingPolls ?? 6;
    let still = true;
    for (let i = 1; i <= polls && still; i++) {
      await sleep(backoffDelay(i, o.pollBackoff ?? { baseMs: 200, maxMs: 2000 }));
      still = (await ask("has_pending_order")).pending === true;
    }
    if (still) fail("has_pending_order", `orders still pending after cancel (${polls} checks)`);
    note("has_pending_order", true, "no pending orders");
  }
  const f = await ask("flush_log");
  const file = typeof f.log_file === "string" ? f.log_file : "";
  const bytes = Number(f.bytes ?? 0);
  // When the flushed log is on this host, it must be at least as long as the executor says.
  if (file && existsSync(file) && statSync(file).size < bytes) {
    fail("flush_log", `${file} has ${statSync(file).size} bytes on disk, the executor says ${bytes}`);
  }
  note("flush_log", true, `${file || "log"} flushed (${bytes} bytes)`);
}
