import type { Position, Side } from "./account.ts";
import { SyncDataError } from "./errors.ts";
import type { Trade } from "./trade-log.ts";

/** What one (symbol, side) went through during a replay. */
export interface Touched {
  trade_ids: string[];
  /** Sum over closes of (close price − avg open price) × qty, sign-adjusted for shorts; price points. */
  realized?: number;
}

/** The result of a replay: the positions after, in a stable order, and per-key activity. */
export interface ReplayResult {
  trading_day: string;
  positions: Position[];
  touched: Map<string, Touched>;
  applied: Trade[];
  duplicates: Trade[];
}

/**
 * The key of a position in the diff and the replay: `symbol/side`.
 *
 * @example
 * positionKey("rb2605", "long"); // "rb2605/long"
 */
export const positionKey = (symbol: string, side: Side): string => `${symbol}/${side}`;

/** Exchanges where a plain close means yesterday's lots only (their close-today is a separate offset). */
const YESTERDAY_ONLY = new Set(["SHFE", "INE"]);

/**
 * Replays fills on a baseline by the rules of docs/position-sync.md: a new trading day first moves
 * today into yesterday; open adds to today and moves the volume-weighted average open price; buy
 * closes short, sell closes long; close_today / close_yesterday take from their lots, plain close
 * from yesterday first (yesterday only on SHFE and INE); a trade_id seen before is skipped; a close
 * larger than what it may take from throws, naming the file and line. Pure: no I/O.
 *
 * @example
 * const r = replay(baseline.positions, baseline.trading_day, "20261201", trades);
 * r.positions; // after
 */
export function replay(
  baseline: readonly Position[],
  baselineDay: string,
  sessionDay: string,
  trades: readonly Trade[],
): ReplayResult {
  const book = new Map<string, Position>();
  for (const p of baseline) book.set(positionKey(p.symbol, p.side), { ...p, extra: { ...p.extra } });
  const touched = new Map<string, Touched>();
  const seen = new Set<string>();
  const applied: Trade[] = [];
  const duplicates: Trade[] = [];
  let day = baselineDay;
  const enterDay = (d: string) => {
    if (d <= day) return;
    for (const p of book.values()) {
      p.yesterday += p.today;
      p.today = 0;
    }
    day = d;
  };
  // The strategy itself rolled its book over when the crashed session started.
  enterDay(sessionDay);
  for (const t of trades) {
    if (seen.has(t.trade_id)) {
      duplicates.push(t);
      continue;
    }
    seen.add(t.trade_id);
    enterDay(t.day);
    const side: Side = sideOf(t);
    const key = positionKey(t.symbol, side);
    // Closes leave the average open price unchanged, so reading it before the close is exact.
    const avgBefore = book.get(key)?.avg_price ?? 0;
    apply(book, t);
    const tc = touched.get(key) ?? { trade_ids: [] };
    tc.trade_ids.push(t.trade_id);
    if (t.offset !== "open") {
      const perLot = side === "long" ? t.price - avgBefore : avgBefore - t.price;
      tc.realized = (tc.realized ?? 0) + perLot * t.qty;
    }
    touched.set(key, tc);
    applied.push(t);
  }
  const positions = [...book.values()].filter((p) => p.today > 0 || p.yesterday > 0);
  return { trading_day: day, positions, touched, applied, duplicates };
}

/** The side a fill acts on: opens on their own side, closes on the opposite one. */
function sideOf(t: Trade): Side {
  if (t.offset === "open") return t.direction === "buy" ? "long" : "short";
  return t.direction === "buy" ? "short" : "long";
}

function apply(book: Map<string, Position>, t: Trade): void {
  const side = sideOf(t);
  const key = positionKey(t.symbol, side);
  let p = book.get(key);
  if (t.offset === "open") {
    if (!p) {
      p = { symbol: t.symbol, exchange: t.exchange, side, today: 0, yesterday: 0, avg_price: 0, extra: {} };
      book.set(key, p);
    }
    const held = p.today + p.yesterday;
    p.avg_price = (p.avg_price * held + t.price * t.qty) / (held + t.qty);
    p.today += t.qty;
    return;
  }
  const today = p?.today ?? 0;
  const yesterday = p?.yesterday ?? 0;
  const plainYesterdayOnly = t.offset === "close" && YESTERDAY_ONLY.has(t.exchange);
  const may =
    t.offset === "close_today"
      ? today
      : t.offset === "close_yesterday" || plainYesterdayOnly
        ? yesterday
        : today + yesterday;
  if (!p || t.qty > may) {
    throw new SyncDataError(
      { key: "overClose", params: { offset: t.offset, qty: t.qty, symbol: t.symbol, side, may } },
      { file: t.file, line: t.line, trade_id: t.trade_id },
    );
  }
  if (t.offset === "close_today") p.today -= t.qty;
  else if (t.offset === "close_yesterday" || plainYesterdayOnly) p.yesterday -= t.qty;
  else {
    const fromYesterday = Math.min(p.yesterday, t.qty);
    p.yesterday -= fromYesterday;
    p.today -= t.qty - fromYesterday;
  }
}
