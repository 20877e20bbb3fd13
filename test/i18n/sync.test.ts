import { describe, expect, it } from "vitest";
import { catalog } from "../../src/i18n/index.ts";
import type { DiffRow } from "../../src/recovery/diff.ts";
import { cells, formatDiffTable } from "../../src/recovery/diff-table.ts";
import { SyncDataError } from "../../src/recovery/errors.ts";
import { inEnglish, sayIn, syncMsg } from "../../src/recovery/messages.ts";
import { SyncMapError, syncTarget } from "../../src/recovery/sync-map.ts";

const en = catalog("en");
const zh = catalog("zh");

const rows: DiffRow[] = [
  {
    symbol: "rb2605",
    exchange: "SHFE",
    side: "long",
    before: { today: 1, yesterday: 2, avg_price: 3500 },
    after: { today: 3, yesterday: 1, avg_price: 3510 },
    realized_pnl: 40,
    trade_ids: ["x1", "x2"],
  },
  {
    symbol: "i2609",
    exchange: "DCE",
    side: "short",
    before: { today: 0, yesterday: 0, avg_price: 0 },
    after: { today: 1, yesterday: 0, avg_price: 800.1 },
    trade_ids: ["x3"],
  },
];

describe("the diff table", () => {
  it("in English reads as missionctl sync has always printed it", () => {
    expect(formatDiffTable(rows, en)).toBe(
      [
        "symbol       side   today  yesterday  avg price    pnl  trades",
        "rb2605.SHFE  long   1 → 3  2 → 1      3500 → 3510  40   x1,x2",
        "i2609.DCE    short  0 → 1  0 → 0      0 → 800.1         x3",
      ].join("\n"),
    );
  });

  it("in Chinese has Chinese headers and side words, columns aligned by display cells", () => {
    const lines = formatDiffTable(rows, zh).split("\n");
    expect(lines[0]).toBe("合约         方向  今仓   昨仓   均价         盈亏  成交");
    expect(lines[1]).toBe("rb2605.SHFE  多头  1 → 3  2 → 1  3500 → 3510  40    x1,x2");
    expect(lines[2]).toBe("i2609.DCE    空头  0 → 1  0 → 0  0 → 800.1          x3");
    // Each column starts at the same cell on every line.
    const starts = (line: string, word: string) => cells(line.slice(0, line.indexOf(word)));
    expect(starts(lines[0] ?? "", "成交")).toBe(starts(lines[1] ?? "", "x1,x2"));
    expect(starts(lines[0] ?? "", "方向")).toBe(starts(lines[2] ?? "", "空头"));
  });
});

describe("sync texts", () => {
  it("keep their English as the errors' message, and say the same in Chinese", () => {
    const known = new SyncDataError(
      { key: "notJson", params: {} },
      { file: "/srv/te1/log/20261201.jsonl", line: 2 },
    );
    expect(known.message).toBe("/srv/te1/log/20261201.jsonl:2: line is not JSON");
    expect(sayIn(zh, known.msg)).toBe("/srv/te1/log/20261201.jsonl:2：这一行不是 JSON");
    // A check's own English (a format field, a quoted value) stays inside the Chinese sentence.
    const detail = new SyncDataError('unknown direction "hold"', {
      file: "/srv/te1/log/20261201.jsonl",
      line: 3,
    });
    expect(detail.message).toBe('/srv/te1/log/20261201.jsonl:3: unknown direction "hold"');
    expect(sayIn(zh, detail.msg)).toBe('/srv/te1/log/20261201.jsonl:3：数据有误 — unknown direction "hold"');
    expect(inEnglish(syncMsg("noPending"))).toBe("no pending orders");
    expect(sayIn(zh, syncMsg("info", { pending: 2, trades: 5 }))).toBe("2 个挂单，5 笔成交");
  });

  it("say the sync map's errors in either language", () => {
    const unset = (() => {
      try {
        syncTarget(undefined, "mm1");
      } catch (err) {
        return err as SyncMapError;
      }
    })();
    expect(unset).toBeInstanceOf(SyncMapError);
    expect(unset?.message).toBe("MISSIONCTL_SYNC_MAP is not set: /sync needs it (docs/position-sync.md)");
    expect(unset && sayIn(zh, unset.msg)).toBe(
      "未设置 MISSIONCTL_SYNC_MAP：/sync 需要它（见 docs/position-sync.md）",
    );
  });
});
