import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAccount, serializeAccount } from "./account.ts";
import { findBaseline } from "./baseline.ts";
import { type DiffRow, diffPositions } from "./diff.ts";
import { SyncDataError } from "./errors.ts";
import { inEnglish, type SyncMsg, syncMsg } from "./messages.ts";
import { replay } from "./replay.ts";
import { parseSessions, pickCrashed } from "./sessions.ts";
import { strategyName } from "./source.ts";
import { type LogDay, logDays, readLogDay } from "./trade-log.ts";

/** What a sync reads: the strategy's base folder and the executor's log folder. */
export interface SyncInputs {
  base: string;
  executorLog: string;
  /** The strategy name of the trade sources; default: the account files' `strategy` field. */
  strategy?: string;
  /** Sync this session rather than the last one. */
  session?: string;
  /** Write account.json (keeping the old one as a pre-sync backup) instead of account.synced.json. */
  overwrite?: boolean;
}

/** One file a sync would write, with its exact bytes. */
export interface PlannedWrite {
  path: string;
  data: string;
}

/**
 * A dry run's result: nothing to do, or the diff and the writes that applying would make. Texts
 * come twice: in English (`reason`, `warnings`: the CLI's JSON and logs) and as SyncMsg (`why`,
 * `warningMsgs`: for the chat to say in its user's language).
 */
export type SyncPlan =
  | { kind: "nothing"; reason: string; why: SyncMsg; fingerprint: string }
  | {
      kind: "sync";
      strategy: string;
      session: string;
      source: string;
      /** The baseline file, or a note that it is empty (first session, no pre_account.json). */
      baseline: string;
      /** The baseline file; undefined for the empty first-session baseline. */
      baselineFile: string | undefined;
      trading_day: string;
      rows: DiffRow[];
      applied: number;
      duplicates: string[];
      warnings: string[];
      warningMsgs: SyncMsg[];
      writes: PlannedWrite[];
      /** Hash of every file read and the log sizes: the chat's Apply refuses when it changed. */
      fingerprint: string;
    };

/**
 * Reads everything and replays the crashed session's fills, writing nothing. Throws SyncDataError
 * (file and line) on any input that cannot be trusted.
 *
 * @example
 * const plan = planSync({ base: "/srv/mm1", executorLog: "/srv/te1/log" });
 * if (plan.kind === "sync") console.log(formatDiffTable(plan.rows, catalog("en")));
 */
export function planSync(inputs: SyncInputs): SyncPlan {
  const hash = createHash("sha256");
  const sessionsFile = join(inputs.base, "sessions.jsonl");
  if (!existsSync(sessionsFile)) {
    throw new SyncDataError({ key: "noSessionsFile", params: {} }, { file: sessionsFile });
  }
  const sessionsBytes = readFileSync(sessionsFile);
  hash.update(`sessions\0${sessionsBytes.length}\0`).update(sessionsBytes);
  const log = parseSessions(sessionsBytes.toString("utf8"), sessionsFile);
  const crashed = pickCrashed(log, sessionsFile, inputs.session);
  if (!crashed) {
    const why = syncMsg("cleanEnd");
    return { kind: "nothing", reason: inEnglish(why), why, fingerprint: hash.digest("hex") };
  }
  const baseline = findBaseline(inputs.base, log, crashed);
  hash.update(`baseline\0${baseline.file ?? ""}\0`).update(baseline.bytes ?? "");
  const accountFile = join(inputs.base, "account.json");
  const current = existsSync(accountFile) ? readFileSync(accountFile) : undefined;
  hash.update(`account\0`).update(current ?? "");
  const strategy = inputs.strategy ?? strategyName(baseline.account.raw, current, accountFile);
  const source = `${strategy}#${crashed.session}`;
  const days: LogDay[] = logDays(inputs.executorLog, baseline.account.trading_day).map((d) =>
    readLogDay(inputs.executorLog, d, source),
  );
  for (const d of days) hash.update(`log\0${d.day}\0${d.bytes}\0`);
  const trades = days.flatMap((d) => d.trades);
  const result = replay(baseline.account.positions, baseline.account.trading_day, crashed.startDay, trades);
  // A baseline that was itself a synced backup carries `synced`; the account files get it anew only
  // where it belongs (the backup below).
  const { synced: _synced, ...raw } = baseline.account.raw;
  const next = { ...baseline.account, raw, session: crashed.session, trading_day: result.trading_day };
  next.positions = result.positions;
  const warningMsgs: SyncMsg[] = [];
  const partial = (file: string, line: number) => syncMsg("partialLine", { where: `${file}:${line}` });
  if (log.partial) warningMsgs.push(partial(sessionsFile, log.partial.line));
  for (const d of days) if (d.partial) warningMsgs.push(partial(d.file, d.partial.line));
  for (const t of result.duplicates)
    warningMsgs.push(syncMsg("duplicateTrade", { where: `${t.file}:${t.line}`, tradeId: t.trade_id }));
  if (baseline.skipped.length > 0)
    warningMsgs.push(syncMsg("unsyncedSessions", { sessions: baseline.skipped }));
  const accountText = serializeAccount(next);
  const writes: PlannedWrite[] = [];
  if (inputs.overwrite) {
    // The previous account.json is kept once; a second identical sync must not replace that copy
    // with the synced account (it would lose the only record of what the strategy had written).
    if (current && current.toString("utf8") !== accountText) {
      const prev = safeAccountId(current, crashed.session, result.trading_day);
      const keep = join(inputs.base, "account_backup", `${prev.day}_${prev.session}.pre-sync.json`);
      if (!existsSync(keep)) writes.push({ path: keep, data: current.toString("utf8") });
    }
    writes.push({ path: accountFile, data: accountText });
  } else {
    writes.push({ path: join(inputs.base, "account.synced.json"), data: accountText });
  }
  writes.push({
    path: join(inputs.base, "account_backup", `${result.trading_day}_${crashed.session}.json`),
    data: serializeAccount(next, { synced: true }),
  });
  return {
    kind: "sync",
    strategy,
    session: crashed.session,
    source,
    baseline: baseline.file ?? inEnglish(syncMsg("emptyBaseline")),
    baselineFile: baseline.file,
    trading_day: result.trading_day,
    rows: diffPositions(baseline.account.positions, result.positions, result.touched),
    applied: result.applied.length,
    duplicates: result.duplicates.map((t) => t.trade_id),
    warnings: warningMsgs.map(inEnglish),
    warningMsgs,
    writes,
    fingerprint: hash.digest("hex"),
  };
}

/** The day and session of the account about to be replaced, for its pre-sync backup's name. */
function safeAccountId(current: Buffer, session: string, day: string): { day: string; session: string } {
  try {
    const a = parseAccount(current.toString("utf8"), "account.json", day);
    return { day: a.trading_day, session: a.session ?? session };
  } catch {
    return { day, session };
  }
}
