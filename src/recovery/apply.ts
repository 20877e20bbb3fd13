import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { type AtomicWriteOptions, atomicWriteFile } from "./atomic-write.ts";
import type { SyncPlan } from "./plan.ts";

/** A file a sync wrote, and whether its bytes changed. */
export interface WrittenFile {
  path: string;
  changed: boolean;
}

/**
 * Writes a plan's files, each atomically, in plan order (the pre-sync copy of account.json before
 * account.json itself, so the old account is never lost). A file already holding the exact bytes is
 * left alone: the same inputs write the same bytes, and writing them again would only touch mtimes.
 *
 * @example
 * const plan = planSync(inputs);
 * if (plan.kind === "sync") applyPlan(plan); // [{ path: "/srv/mm1/account.synced.json", changed: true }, ...]
 */
export function applyPlan(plan: SyncPlan, options: AtomicWriteOptions = {}): WrittenFile[] {
  if (plan.kind !== "sync") return [];
  const out: WrittenFile[] = [];
  for (const w of plan.writes) {
    if (existsSync(w.path) && readFileSync(w.path, "utf8") === w.data) {
      out.push({ path: w.path, changed: false });
      continue;
    }
    mkdirSync(dirname(w.path), { recursive: true });
    atomicWriteFile(w.path, w.data, options);
    out.push({ path: w.path, changed: true });
  }
  return out;
}
