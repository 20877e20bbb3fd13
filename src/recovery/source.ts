import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findBaseline } from "./baseline.ts";
import { SyncDataError } from "./errors.ts";
import type { SyncInputs } from "./plan.ts";
import { parseSessions, pickCrashed } from "./sessions.ts";

/** The crashed session's trade source, `{strategy}#{session}`, as the executor knows it. */
export interface CrashedSource {
  strategy: string;
  session: string;
  source: string;
}

/**
 * Names the crashed session's source before anything else is read, so the saga can ask the
 * executor about it; undefined when the last session ended cleanly (nothing to sync).
 *
 * @example
 * crashedSource({ base: "/srv/mm1", executorLog: "/srv/te1/log" })?.source; // "rb.trend#9f1c…"
 */
export function crashedSource(inputs: SyncInputs): CrashedSource | undefined {
  const file = join(inputs.base, "sessions.jsonl");
  if (!existsSync(file)) throw new SyncDataError({ key: "noSessionsFile", params: {} }, { file });
  const log = parseSessions(readFileSync(file, "utf8"), file);
  const crashed = pickCrashed(log, file, inputs.session);
  if (!crashed) return undefined;
  const accountFile = join(inputs.base, "account.json");
  const current = existsSync(accountFile) ? readFileSync(accountFile) : undefined;
  const strategy =
    inputs.strategy ??
    strategyName(findBaseline(inputs.base, log, crashed).account.raw, current, accountFile);
  return { strategy, session: crashed.session, source: `${strategy}#${crashed.session}` };
}

/**
 * The strategy name of the trade sources: the baseline's `strategy` field, else account.json's.
 *
 * @example
 * strategyName({ strategy: "rb.trend" }, undefined, "/srv/mm1/account.json"); // "rb.trend"
 */
export function strategyName(
  raw: Record<string, unknown>,
  current: Buffer | undefined,
  file: string,
): string {
  if (typeof raw.strategy === "string" && raw.strategy !== "") return raw.strategy;
  if (current) {
    try {
      const s = (JSON.parse(current.toString("utf8")) as { strategy?: unknown }).strategy;
      if (typeof s === "string" && s !== "") return s;
    } catch {
      // account.json is only consulted for its name here; a broken one is named below.
    }
  }
  throw new SyncDataError({ key: "strategyUnknown", params: {} }, { file });
}
