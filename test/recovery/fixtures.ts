import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A strategy base folder and an executor log folder in a fresh temporary directory. */
export interface SyncFixture {
  root: string;
  base: string;
  log: string;
  cleanup: () => void;
}

/** Makes empty base and log folders (account_backup included). */
export function makeFixture(): SyncFixture {
  const root = mkdtempSync(join(tmpdir(), "mctl-sync-"));
  const base = join(root, "base");
  const log = join(root, "log");
  mkdirSync(join(base, "account_backup"), { recursive: true });
  mkdirSync(log, { recursive: true });
  return { root, base, log, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** JSON lines with a final newline. */
export const jsonl = (rows: readonly object[]): string =>
  `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;

export const start = (session: string, day: string) => ({
  session,
  event: "start",
  ts: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T09:00:00Z`,
  trading_day: day,
});
export const end = (session: string, day: string, exit_code = 0) => ({
  session,
  event: "end",
  ts: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T15:00:00Z`,
  trading_day: day,
  exit_code,
});

let seq = 0;
/** One executor log line of type trade. */
export function trade(
  source: string,
  fields: {
    id?: string;
    symbol?: string;
    exchange?: string;
    direction: "buy" | "sell" | string;
    offset: string;
    qty: number;
    price: number;
  },
): Record<string, unknown> {
  seq += 1;
  return {
    type: "trade",
    ts: "2026-12-01T10:00:00Z",
    source,
    trade_id: fields.id ?? `t${seq}`,
    order_id: `o${seq}`,
    symbol: fields.symbol ?? "rb2605",
    exchange: fields.exchange ?? "SHFE",
    direction: fields.direction,
    offset: fields.offset,
    qty: fields.qty,
    price: fields.price,
  };
}

/** An account file object. */
export function account(
  session: string,
  day: string,
  positions: object[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { strategy: "rb.trend", session, trading_day: day, positions, ...extra };
}

export const pos = (
  symbol: string,
  exchange: string,
  side: string,
  today: number,
  yesterday: number,
  avg: number,
) => ({
  symbol,
  exchange,
  side,
  today,
  yesterday,
  avg_price: avg,
});

/** Writes a file under the fixture (JSON objects pretty-printed, strings as they are). */
export function put(path: string, content: string | object): void {
  writeFileSync(path, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
}

/**
 * Writes the usual crash: session `ended` ran on `day` and ended cleanly (leaving its account
 * backup, with no positions), then session `crashed` started the same day and never ended.
 *
 * @example
 * const fx = makeFixture();
 * writeCrashAfterCleanEnd(fx, { ended: "aaaa-1", crashed: "bbbb-2", day: "20261201" });
 * // a sync now replays bbbb-2's trades onto aaaa-1's backup
 */
export function writeCrashAfterCleanEnd(
  fx: SyncFixture,
  sessions: { ended: string; crashed: string; day: string },
): void {
  const { ended, crashed, day } = sessions;
  put(join(fx.base, "sessions.jsonl"), jsonl([start(ended, day), end(ended, day), start(crashed, day)]));
  put(join(fx.base, "account_backup", `${day}_${ended}.json`), account(ended, day, []));
}
