/**
 * Position sync after a crash (docs/position-sync.md): pure file logic (plan, apply) and the saga
 * that quiets the trade executor first.
 *
 * @example
 * import { planSync, applyPlan } from "./recovery/index.ts";
 * const plan = planSync({ base: "/srv/mm1", executorLog: "/srv/te1/log" });
 */
export type { Account, Position, Side } from "./account.ts";
export { applyPlan, type WrittenFile } from "./apply.ts";
export { applyIfUnchanged, type CheckedApply } from "./apply-checked.ts";
export { atomicWriteFile } from "./atomic-write.ts";
export type { DiffRow } from "./diff.ts";
export { formatDiffTable } from "./diff-table.ts";
export { type DataProblem, SyncDataError } from "./errors.ts";
export { acquireSyncLock, SyncLockedError } from "./lock.ts";
export { inEnglish, type SyncMsg, type SyncMsgKey, sayIn, syncMsg } from "./messages.ts";
export { type PlannedWrite, planSync, type SyncInputs, type SyncPlan } from "./plan.ts";
export { runSyncSaga, type SagaIpc, type SagaOptions, type SagaOutcome, type SagaStep } from "./saga.ts";
export { crashedSource } from "./source.ts";
export { SyncMapError, type SyncTarget, syncTarget } from "./sync-map.ts";
