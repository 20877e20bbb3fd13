import { SyncDataError } from "./errors.ts";

/** Long or short side of a position. */
export type Side = "long" | "short";

/** One position of an account file; unknown fields are kept as they are in `extra`. */
export interface Position {
  symbol: string;
  exchange: string;
  side: Side;
  today: number;
  yesterday: number;
  avg_price: number;
  extra: Record<string, unknown>;
}

/** An account file: the known fields, and the whole object so unknown fields survive a rewrite. */
export interface Account {
  trading_day: string;
  session: string | undefined;
  positions: Position[];
  raw: Record<string, unknown>;
}

const isLots = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;

/**
 * Parses an account file. A baseline that does not parse stops the sync: replaying fills on top of
 * a guessed baseline would write wrong positions with confidence.
 *
 * @example
 * const acc = parseAccount(readFileSync(p, "utf8"), p, "20261201");
 * acc.positions[0]?.avg_price;
 */
export function parseAccount(text: string, file: string, fallbackDay?: string): Account {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SyncDataError({ key: "accountNotJson", params: {} }, { file });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SyncDataError("account file is not a JSON object", { file });
  }
  const obj = raw as Record<string, unknown>;
  const day = obj.trading_day ?? fallbackDay;
  if (typeof day !== "string" || !/^\d{8}$/.test(day)) {
    throw new SyncDataError("account trading_day is not YYYYMMDD", { file });
  }
  const list = obj.positions ?? [];
  if (!Array.isArray(list)) throw new SyncDataError("positions is not a list", { file });
  const positions = list.map((p, i) => parsePosition(p, file, i));
  const session = typeof obj.session === "string" ? obj.session : undefined;
  return { trading_day: day, session, positions, raw: obj };
}

function parsePosition(p: unknown, file: string, index: number): Position {
  const bad = (what: string) => new SyncDataError(`positions[${index}]: ${what}`, { file });
  if (typeof p !== "object" || p === null || Array.isArray(p)) throw bad("not an object");
  const { symbol, exchange, side, today, yesterday, avg_price, ...extra } = p as Record<string, unknown>;
  if (typeof symbol !== "string" || symbol === "") throw bad("symbol missing");
  if (typeof exchange !== "string") throw bad("exchange missing");
  if (side !== "long" && side !== "short") throw bad("side is not long or short");
  if (!isLots(today) || !isLots(yesterday)) throw bad("today / yesterday are not lot counts");
  if (typeof avg_price !== "number" || !Number.isFinite(avg_price)) throw bad("avg_price is not a number");
  return { symbol, exchange, side, today, yesterday, avg_price, extra };
}

/**
 * Serializes an account deterministically: the original object's key order, positions with their
 * known fields first and unknown ones after, two-space JSON and a final newline. The same account
 * gives the same bytes, which is what makes a repeated sync a no-op on disk.
 *
 * @example
 * writeFileSync(p, serializeAccount({ ...acc, positions }, { synced: true }));
 */
export function serializeAccount(account: Account, overrides: Record<string, unknown> = {}): string {
  const positions = account.positions.map((p) => ({
    symbol: p.symbol,
    exchange: p.exchange,
    side: p.side,
    today: p.today,
    yesterday: p.yesterday,
    avg_price: p.avg_price,
    ...p.extra,
  }));
  const out: Record<string, unknown> = {
    ...account.raw,
    session: account.session,
    trading_day: account.trading_day,
    positions,
    ...overrides,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
