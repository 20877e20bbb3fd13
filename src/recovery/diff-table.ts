import type { Catalog } from "../i18n/index.ts";
import { type DiffRow, round } from "./diff.ts";

/** Characters a terminal or a monospace font draws two cells wide: CJK, kana, hangul, full-width forms. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/**
 * The cells a text takes in a monospace font: a Chinese header word takes two per character, so
 * padding by `length` would leave the columns after it one cell short per character.
 *
 * @example
 * cells("均价"); // 4
 * cells("avg price"); // 9
 */
export const cells = (text: string): number => [...text].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

/**
 * The diff as a fixed-width text table, one line per row, for the shell and the chat: the header
 * row and the side words from catalog `t`, the data (symbols, lots, prices, trade ids) as it is.
 *
 * @example
 * formatDiffTable(rows, catalog("en")); // "symbol  side  today  yesterday  avg price  pnl  trades\n..."
 */
export function formatDiffTable(rows: readonly DiffRow[], t: Catalog): string {
  const w = t.sync.table;
  const head = [w.symbol, w.side, w.today, w.yesterday, w.avgPrice, w.pnl, w.trades];
  const body = rows.map((r) => [
    `${r.symbol}.${r.exchange}`,
    w[r.side],
    `${r.before.today} → ${r.after.today}`,
    `${r.before.yesterday} → ${r.after.yesterday}`,
    `${round(r.before.avg_price)} → ${round(r.after.avg_price)}`,
    r.realized_pnl === undefined ? "" : String(r.realized_pnl),
    r.trade_ids.join(","),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => cells(row[i] ?? ""))));
  return all
    .map((row) =>
      row
        .map((c, i) => c + " ".repeat((widths[i] ?? 0) - cells(c)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
