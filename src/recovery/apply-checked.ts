import { applyPlan, type WrittenFile } from "./apply.ts";
import { SyncDataError } from "./errors.ts";
import { acquireSyncLock, SyncLockedError } from "./lock.ts";
import { inEnglish, type SyncMsg, syncMsg } from "./messages.ts";
import { planSync, type SyncInputs } from "./plan.ts";

/** What a delayed apply came to: written, or refused and why (in English, and as a SyncMsg). */
export type CheckedApply = { written: WrittenFile[] } | { refused: string; why: SyncMsg };

const refuse = (why: SyncMsg): CheckedApply => ({ refused: inEnglish(why), why });

/**
 * Applies a dry run shown earlier (the chat's Apply button): under the strategy's lock, re-reads
 * every input and writes only when the fingerprint (files read, log sizes) is the one the person
 * saw, so nobody approves one diff and gets another.
 *
 * @example
 * const r = applyIfUnchanged(inputs, plan.fingerprint);
 * if ("refused" in r) console.log(r.refused); // r.why: the same, for the chat
 */
export function applyIfUnchanged(inputs: SyncInputs, fingerprint: string): CheckedApply {
  let release: () => void;
  try {
    release = acquireSyncLock(inputs.base);
  } catch (err) {
    if (err instanceof SyncLockedError) return refuse(err.msg);
    throw err;
  }
  try {
    const plan = planSync(inputs);
    if (plan.kind !== "sync" || plan.fingerprint !== fingerprint) {
      return refuse(syncMsg("inputChanged"));
    }
    return { written: applyPlan(plan) };
  } catch (err) {
    if (err instanceof SyncDataError) return refuse(err.msg);
    throw err;
  } finally {
    release();
  }
}
