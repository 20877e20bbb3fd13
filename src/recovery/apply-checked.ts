import { applyPlan, type WrittenFile } from "./apply.ts";
import { SyncDataError } from "./errors.ts";
import { acquireSyncLock, SyncLockedError } from "./lock.ts";
import { planSync, type SyncInputs } from "./plan.ts";

/** What a delayed apply came to: written, or refused and why. */
export type CheckedApply = { written: WrittenFile[] } | { refused: string };

/**
 * Applies a dry run shown earlier (the chat's Apply button): under the strategy's lock, re-reads
 * every input and writes only when the fingerprint (files read, log sizes) is the one the person
 * saw, so nobody approves one diff and gets another.
 *
 * @example
 * const r = applyIfUnchanged(inputs, plan.fingerprint);
 * if ("refused" in r) console.log(r.refused);
 */
export function applyIfUnchanged(inputs: SyncInputs, fingerprint: string): CheckedApply {
  let release: () => void;
  try {
    release = acquireSyncLock(inputs.base);
  } catch (err) {
    if (err instanceof SyncLockedError) return { refused: err.message };
    throw err;
  }
  try {
    const plan = planSync(inputs);
    if (plan.kind !== "sync" || plan.fingerprint !== fingerprint) {
      return { refused: "an input changed since the dry run; nothing was written, run /sync again" };
    }
    return { written: applyPlan(plan) };
  } catch (err) {
    if (err instanceof SyncDataError) return { refused: err.message };
    throw err;
  } finally {
    release();
  }
}
