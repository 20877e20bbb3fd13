import type { Position, Side } from "./account.ts";
import { positionKey, type Touched } from "./replay.ts";

/** Lots and average price of one side of one symbol, at one point. */
export interface Lots {
  today: number;
  yesterday: number;
  avg_price: number;
}

/** One row of a sync's diff: a (symbol, side) before and after, and what the replay did to it. */
export interface DiffRow {
  symbol: string;
  exchange: string;
  side: Side;
  before: Lots;
  after: Lots;
  /** Present when a close happened: price points × lots (no contract multiplier is known here). */
  realized_pnl?: number;
  trade_ids: string[];
}

const lots = (p: Position | undefined): Lots =>
  p
    ? { today: p.today, yesterday: p.yesterday, avg_price: p.avg_price }
    : { today: 0, yesterday: 0, avg_price: 0 };

/**
 * The diff between the baseline and the replayed positions: every (symbol, side) present before or
 * after, baseline order first, then new ones in order of first fill, so the table reads the same way
 * every run.
 *
 * @example
 * for (const r of diffPositions(baseline.positions, result.positions, result.touched)) console.log(r.symbol);
 */
export function diffPositions(
  before: readonly Position[],
  after: readonly Position[],
  touched: ReadonlyMap<string, Touched>,
): DiffRow[] {
  const b = new Map(before.map((p) => [positionKey(p.symbol, p.side), p]));
  const a = new Map(after.map((p) => [positionKey(p.symbol, p.side), p]));
  const keys = [...new Set([...b.keys(), ...touched.keys(), ...a.keys()])];
  return keys.map((key) => {
    const p = a.get(key) ?? b.get(key);
    const [symbol = "", side = "long"] = key.split("/") as [string, Side];
    const t = touched.get(key);
    const row: DiffRow = {
      symbol: p?.symbol ?? symbol,
      exchange: p?.exchange ?? "",
      side: p?.side ?? side,
      before: lots(b.get(key)),
      after: lots(a.get(key)),
      trade_ids: t?.trade_ids ?? [],
    };
    if (t?.realized !== undefined) row.realized_pnl = round(t.realized);
    return row;
  });
}

/**
 * Rounds away binary noise so the table and the JSON lines read cleanly.
 *
 * @example
 * round(0.1 + 0.2); // 0.3
 */
export const round = (n: number): number => Math.round(n * 1e8) / 1e8;
