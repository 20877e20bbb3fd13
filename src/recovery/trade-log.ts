import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SyncDataError } from "./errors.ts";
import { parseJsonLines } from "./jsonl.ts";

/** Offsets of docs/position-sync.md. */
export type Offset = "open" | "close" | "close_today" | "close_yesterday";

/** One fill of the crashed session, validated, with where it was read. */
export interface Trade {
  day: string;
  file: string;
  line: number;
  trade_id: string;
  symbol: string;
  exchange: string;
  direction: "buy" | "sell";
  offset: Offset;
  qty: number;
  price: number;
}

/** What reading one log day gave: its fills for the source, and its size and partial line. */
export interface LogDay {
  day: string;
  file: string;
  bytes: number;
  trades: Trade[];
  partial?: { line: number; text: string };
}

const OFFSETS = new Set(["open", "close", "close_today", "close_yesterday"]);

/**
 * The executor log days from `fromDay` on, oldest first (file names `YYYYMMDD.jsonl`; other files in
 * the folder are not the executor's and are left alone).
 *
 * @example
 * logDays("/srv/te1/log", "20261201"); // ["20261201", "20261202"]
 */
export function logDays(dir: string, fromDay: string): string[] {
  if (!existsSync(dir)) throw new SyncDataError({ key: "noLogFolder", params: {} }, { file: dir });
  return readdirSync(dir)
    .map((n) => /^(\d{8})\.jsonl$/.exec(n)?.[1])
    .filter((d): d is string => d !== undefined && d >= fromDay)
    .sort();
}

/**
 * Reads one log day and returns the fills whose source is `source`. Other sources' lines are only
 * checked to be JSON: their fields are another strategy's business. A fill of `source` with an
 * unknown direction or offset, or a quantity that is not a positive integer, stops the sync.
 *
 * @example
 * readLogDay("/srv/te1/log", "20261201", "rb.trend#9f1c").trades.length;
 */
export function readLogDay(dir: string, day: string, source: string): LogDay {
  const file = join(dir, `${day}.jsonl`);
  const buf = readFileSync(file);
  const parsed = parseJsonLines(buf.toString("utf8"), file);
  const trades: Trade[] = [];
  for (const { line, value: v } of parsed.lines) {
    if (v.type !== "trade" || v.source !== source) continue;
    const bad = (what: string) => new SyncDataError(what, { file, line });
    if (typeof v.trade_id !== "string" || v.trade_id === "") throw bad("trade_id missing");
    if (typeof v.symbol !== "string" || v.symbol === "") throw bad("symbol missing");
    if (typeof v.exchange !== "string") throw bad("exchange missing");
    if (v.direction !== "buy" && v.direction !== "sell") {
      throw bad(`unknown direction ${JSON.stringify(v.direction)}`);
    }
    if (typeof v.offset !== "string" || !OFFSETS.has(v.offset)) {
      throw bad(`unknown offset ${JSON.stringify(v.offset)}`);
    }
    if (typeof v.qty !== "number" || !Number.isInteger(v.qty) || v.qty <= 0) {
      throw bad(`quantity ${JSON.stringify(v.qty)} is not a positive integer`);
    }
    if (typeof v.price !== "number" || !Number.isFinite(v.price)) throw bad("price is not a number");
    trades.push({
      day,
      file,
      line,
      trade_id: v.trade_id,
      symbol: v.symbol,
      exchange: v.exchange,
      direction: v.direction,
      offset: v.offset as Offset,
      qty: v.qty,
      price: v.price,
    });
  }
  const out: LogDay = { day, file, bytes: buf.length, trades };
  if (parsed.partial) out.partial = parsed.partial;
  return out;
}

/**
 * Sizes of the log days from `fromDay` on, for the "did an input change" check of the chat's Apply.
 *
 * @example
 * logSizes(dir, "20261201"); // { "20261201.jsonl": 5120 }
 */
export function logSizes(dir: string, fromDay: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of logDays(dir, fromDay)) out[`${d}.jsonl`] = statSync(join(dir, `${d}.jsonl`)).size;
  return out;
}
