import { SyncDataError } from "./errors.ts";
import { parseJsonLines } from "./jsonl.ts";

/** One session of a strategy as sessions.jsonl tells it (docs/position-sync.md). */
export interface Session {
  session: string;
  /** Trading day of the `start` event. */
  startDay: string;
  /** Set when an `end` event with exit_code 0 was recorded. */
  cleanEnd?: { tradingDay: string };
  /** 1-based line of the `start` event. */
  line: number;
}

/** The sessions of a sessions.jsonl file in start order, and a partial last line if one was skipped. */
export interface SessionLog {
  sessions: Session[];
  partial?: { line: number; text: string };
}

const DAY = /^\d{8}$/;

/**
 * Parses sessions.jsonl. Events name their session, so an `end` is matched to its `start` by id;
 * an `end` with a non-zero exit code is not clean (the strategy died on an error and its account may
 * be stale).
 *
 * @example
 * const log = parseSessions(readFileSync(path, "utf8"), path);
 * log.sessions.at(-1)?.cleanEnd; // undefined: the last session crashed
 */
export function parseSessions(text: string, file: string): SessionLog {
  const parsed = parseJsonLines(text, file);
  const byId = new Map<string, Session>();
  const sessions: Session[] = [];
  for (const { line, value } of parsed.lines) {
    const id = value.session;
    const day = value.trading_day;
    if (typeof id !== "string" || id === "") throw new SyncDataError("session id missing", { file, line });
    if (typeof day !== "string" || !DAY.test(day)) {
      throw new SyncDataError("trading_day is not YYYYMMDD", { file, line });
    }
    if (value.event === "start") {
      if (byId.has(id)) throw new SyncDataError(`session ${id} started twice`, { file, line });
      const s: Session = { session: id, startDay: day, line };
      byId.set(id, s);
      sessions.push(s);
    } else if (value.event === "end") {
      const s = byId.get(id);
      if (!s) throw new SyncDataError(`end of session ${id} that never started`, { file, line });
      if (value.exit_code === 0) s.cleanEnd = { tradingDay: day };
    } else {
      throw new SyncDataError(`unknown event ${JSON.stringify(value.event)}`, { file, line });
    }
  }
  return parsed.partial ? { sessions, partial: parsed.partial } : { sessions };
}

/**
 * Picks the session to sync: the named one, or the last `start` when it has no clean end. Returns
 * undefined when the last session ended cleanly (nothing to sync).
 *
 * @example
 * pickCrashed(log)?.session; // "9f1c…"
 */
export function pickCrashed(log: SessionLog, file: string, sessionId?: string): Session | undefined {
  if (sessionId !== undefined) {
    const s = log.sessions.find((x) => x.session === sessionId);
    if (!s) throw new SyncDataError({ key: "noSession", params: { session: sessionId } }, { file });
    return s;
  }
  const last = log.sessions.at(-1);
  return last && !last.cleanEnd ? last : undefined;
}

/**
 * The sessions before `crashed`, newest first: where a baseline may come from (a clean end, or an
 * earlier sync's backup marked synced).
 *
 * @example
 * for (const s of sessionsBefore(log, crashed)) { ... }
 */
export function sessionsBefore(log: SessionLog, crashed: Session): Session[] {
  const i = log.sessions.indexOf(crashed);
  return log.sessions.slice(0, i).reverse();
}
