import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/recovery/apply.ts";
import { SyncDataError } from "../../src/recovery/errors.ts";
import { planSync, type SyncPlan } from "../../src/recovery/plan.ts";
import { account, end, jsonl, makeFixture, pos, put, type SyncFixture, start, trade } from "./fixtures.ts";

let fx: SyncFixture;
beforeEach(() => {
  fx = makeFixture();
});
afterEach(() => fx.cleanup());

const A = "aaaa-1";
const B = "bbbb-2";
const srcB = `rb.trend#${B}`;

function synced(plan: SyncPlan) {
  if (plan.kind !== "sync") throw new Error(`expected a sync, got ${plan.reason}`);
  return plan;
}

function expectBadData(fn: () => unknown, where: RegExp): SyncDataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SyncDataError);
    expect((e as Error).message).toMatch(where);
    return e as SyncDataError;
  }
  throw new Error("expected a SyncDataError");
}

/** Session A ended cleanly on 20261130 with 5 rb long (3 yesterday, 2 today); B crashed on 20261201. */
function laterSessionCrashed(): void {
  put(
    join(fx.base, "sessions.jsonl"),
    jsonl([start(A, "20261130"), end(A, "20261130"), start(B, "20261201")]),
  );
  put(
    join(fx.base, "account_backup", `20261130_${A}.json`),
    account(A, "20261130", [{ ...pos("rb2605", "SHFE", "long", 2, 3, 3500), note: "kept" }], { cash: 1000 }),
  );
  put(join(fx.base, "account.json"), account(A, "20261130", [pos("rb2605", "SHFE", "long", 2, 3, 3500)]));
  put(
    join(fx.log, "20261130.jsonl"),
    jsonl([trade(`rb.trend#${A}`, { direction: "buy", offset: "open", qty: 2, price: 3500 })]),
  );
  const open = trade(srcB, { id: "b1", direction: "buy", offset: "open", qty: 5, price: 3520 });
  put(
    join(fx.log, "20261201.jsonl"),
    jsonl([
      { type: "order", source: srcB, order_id: "o-x" },
      open,
      trade("rb.other#zzz", { direction: "sell", offset: "open", qty: 9, price: 1 }),
      open, // the executor logged this fill twice
      trade(srcB, { id: "b2", direction: "sell", offset: "close", qty: 3, price: 3530 }),
      trade(srcB, { id: "b3", direction: "sell", offset: "open", qty: 1, price: 3525 }),
    ]),
  );
}

describe("position replay (docs/position-sync.md)", () => {
  it("replays a later crashed session, skipping other sources and a duplicated line", () => {
    laterSessionCrashed();
    const plan = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(plan.session).toBe(B);
    expect(plan.source).toBe(srcB);
    expect(plan.trading_day).toBe("20261201");
    expect(plan.applied).toBe(3);
    expect(plan.duplicates).toEqual(["b1"]);
    expect(plan.warnings.some((w) => /b1 seen before/.test(w))).toBe(true);
    expect(plan.rows).toEqual([
      {
        symbol: "rb2605",
        exchange: "SHFE",
        side: "long",
        before: { today: 2, yesterday: 3, avg_price: 3500 },
        // rollover: 5 yesterday; open 5 @3520 → avg 3510; plain SHFE close of 3 takes yesterday
        after: { today: 5, yesterday: 2, avg_price: 3510 },
        realized_pnl: 60,
        trade_ids: ["b1", "b2"],
      },
      {
        symbol: "rb2605",
        exchange: "SHFE",
        side: "short",
        before: { today: 0, yesterday: 0, avg_price: 0 },
        after: { today: 1, yesterday: 0, avg_price: 3525 },
        trade_ids: ["b3"],
      },
    ]);
    const written = applyPlan(plan);
    expect(written.map((w) => w.path)).toEqual([
      join(fx.base, "account.synced.json"),
      join(fx.base, "account_backup", `20261201_${B}.json`),
    ]);
    const out = JSON.parse(readFileSync(join(fx.base, "account.synced.json"), "utf8"));
    expect(out.cash).toBe(1000);
    expect(out.session).toBe(B);
    expect(out.positions[0].note).toBe("kept");
    const backup = JSON.parse(readFileSync(join(fx.base, "account_backup", `20261201_${B}.json`), "utf8"));
    expect(backup.synced).toBe(true);
  });

  it("is idempotent: the same inputs write the same bytes", () => {
    laterSessionCrashed();
    const first = synced(planSync({ base: fx.base, executorLog: fx.log }));
    applyPlan(first);
    const bytes = readFileSync(join(fx.base, "account.synced.json"));
    const second = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(second.writes).toEqual(first.writes);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(applyPlan(second).every((w) => !w.changed)).toBe(true);
    expect(readFileSync(join(fx.base, "account.synced.json")).equals(bytes)).toBe(true);
  });

  it("--overwrite keeps the old account.json once as a pre-sync backup, and a rerun changes nothing", () => {
    laterSessionCrashed();
    const old = readFileSync(join(fx.base, "account.json"), "utf8");
    applyPlan(synced(planSync({ base: fx.base, executorLog: fx.log, overwrite: true })));
    const keep = join(fx.base, "account_backup", `20261130_${A}.pre-sync.json`);
    expect(readFileSync(keep, "utf8")).toBe(old);
    const now = readFileSync(join(fx.base, "account.json"));
    const again = applyPlan(synced(planSync({ base: fx.base, executorLog: fx.log, overwrite: true })));
    expect(again.every((w) => !w.changed)).toBe(true);
    expect(readFileSync(keep, "utf8")).toBe(old);
    expect(readFileSync(join(fx.base, "account.json")).equals(now)).toBe(true);
  });

  it("says nothing to sync when the last session ended cleanly", () => {
    put(join(fx.base, "sessions.jsonl"), jsonl([start(A, "20261130"), end(A, "20261130")]));
    expect(planSync({ base: fx.base, executorLog: fx.log }).kind).toBe("nothing");
  });

  it("starts a crashed first session from pre_account.json, or from nothing", () => {
    put(join(fx.base, "sessions.jsonl"), jsonl([start(B, "20261201")]));
    put(
      join(fx.log, "20261201.jsonl"),
      jsonl([trade(srcB, { direction: "sell", offset: "open", qty: 2, price: 10 })]),
    );
    const empty = synced(planSync({ base: fx.base, executorLog: fx.log, strategy: "rb.trend" }));
    expect(empty.rows.map((r) => [r.side, r.after])).toEqual([
      ["short", { today: 2, yesterday: 0, avg_price: 10 }],
    ]);
    put(
      join(fx.base, "pre_account.json"),
      account("", "20261130", [pos("rb2605", "SHFE", "short", 1, 0, 4)]),
    );
    const pre = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(pre.baseline).toBe(join(fx.base, "pre_account.json"));
    // 1 rolled into yesterday, then 2 opened: avg (4 + 20) / 3
    expect(pre.rows[0]?.after).toEqual({ today: 2, yesterday: 1, avg_price: 8 });
  });

  it("rolls today into yesterday across two log days", () => {
    put(
      join(fx.base, "sessions.jsonl"),
      jsonl([start(A, "20261201"), end(A, "20261201"), start(B, "20261201")]),
    );
    put(join(fx.base, "account_backup", `20261201_${A}.json`), account(A, "20261201", []));
    put(
      join(fx.log, "20261201.jsonl"),
      jsonl([trade(srcB, { direction: "buy", offset: "open", qty: 3, price: 100 })]),
    );
    put(
      join(fx.log, "20261202.jsonl"),
      jsonl([
        trade(srcB, { direction: "sell", offset: "close_yesterday", qty: 2, price: 110 }),
        trade(srcB, { direction: "buy", offset: "open", qty: 1, price: 120 }),
      ]),
    );
    const plan = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(plan.trading_day).toBe("20261202");
    expect(plan.rows[0]?.after).toEqual({ today: 1, yesterday: 1, avg_price: 110 });
    expect(plan.rows[0]?.realized_pnl).toBe(20);
    expect(plan.writes.at(-1)?.path).toBe(join(fx.base, "account_backup", `20261202_${B}.json`));
  });

  it("plain close takes yesterday then today on DCE, yesterday only on SHFE", () => {
    put(
      join(fx.base, "sessions.jsonl"),
      jsonl([start(A, "20261201"), end(A, "20261201"), start(B, "20261201")]),
    );
    put(
      join(fx.base, "account_backup", `20261201_${A}.json`),
      account(A, "20261201", [
        pos("m2605", "DCE", "long", 0, 1, 3000),
        pos("rb2605", "SHFE", "long", 0, 1, 3000),
      ]),
    );
    const dce = [
      trade(srcB, {
        symbol: "m2605",
        exchange: "DCE",
        direction: "buy",
        offset: "open",
        qty: 2,
        price: 3000,
      }),
      trade(srcB, {
        symbol: "m2605",
        exchange: "DCE",
        direction: "sell",
        offset: "close",
        qty: 2,
        price: 3010,
      }),
    ];
    put(join(fx.log, "20261201.jsonl"), jsonl(dce));
    const plan = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(plan.rows[0]?.after).toEqual({ today: 1, yesterday: 0, avg_price: 3000 });
    put(
      join(fx.log, "20261201.jsonl"),
      jsonl([
        ...dce,
        trade(srcB, { direction: "buy", offset: "open", qty: 2, price: 3000 }),
        trade(srcB, { direction: "sell", offset: "close", qty: 2, price: 3010 }),
      ]),
    );
    expectBadData(
      () => planSync({ base: fx.base, executorLog: fx.log }),
      /20261201\.jsonl:4: close of 2 rb2605/,
    );
  });

  it("refuses an over-close and writes nothing", () => {
    put(join(fx.base, "sessions.jsonl"), jsonl([start(B, "20261201")]));
    put(
      join(fx.log, "20261201.jsonl"),
      jsonl([
        trade(srcB, { direction: "buy", offset: "open", qty: 2, price: 1 }),
        trade(srcB, { direction: "sell", offset: "close_today", qty: 3, price: 1 }),
      ]),
    );
    const e = expectBadData(
      () => planSync({ base: fx.base, executorLog: fx.log, strategy: "rb.trend" }),
      /:2: /,
    );
    expect(e.code).toBe("SYNC_BAD_DATA");
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("refuses a bad line, an unknown offset and a zero quantity, naming file and line", () => {
    put(join(fx.base, "sessions.jsonl"), jsonl([start(B, "20261201")]));
    const ok = JSON.stringify(trade(srcB, { direction: "buy", offset: "open", qty: 1, price: 1 }));
    const cases: [string, RegExp][] = [
      [`${ok}\nnot json\n${ok}\n`, /20261201\.jsonl:2: line is not JSON/],
      [jsonl([trade(srcB, { direction: "buy", offset: "opn", qty: 1, price: 1 })]), /:1: unknown offset/],
      [
        jsonl([trade(srcB, { direction: "hold", offset: "open", qty: 1, price: 1 })]),
        /:1: unknown direction/,
      ],
      [jsonl([trade(srcB, { direction: "buy", offset: "open", qty: 0, price: 1 })]), /:1: quantity 0/],
    ];
    for (const [text, where] of cases) {
      put(join(fx.log, "20261201.jsonl"), text);
      expectBadData(() => planSync({ base: fx.base, executorLog: fx.log, strategy: "rb.trend" }), where);
    }
  });

  it("refuses a baseline that does not parse", () => {
    put(
      join(fx.base, "sessions.jsonl"),
      jsonl([start(A, "20261130"), end(A, "20261130"), start(B, "20261201")]),
    );
    put(join(fx.base, "account_backup", `20261130_${A}.json`), "{ broken");
    expectBadData(
      () => planSync({ base: fx.base, executorLog: fx.log }),
      /20261130_aaaa-1\.json: account file is not JSON/,
    );
  });

  it("skips and reports a partial last line", () => {
    put(join(fx.base, "sessions.jsonl"), jsonl([start(B, "20261201")]));
    const ok = JSON.stringify(trade(srcB, { direction: "buy", offset: "open", qty: 1, price: 1 }));
    const cut = JSON.stringify(trade(srcB, { direction: "buy", offset: "open", qty: 7, price: 1 })).slice(
      0,
      40,
    );
    put(join(fx.log, "20261201.jsonl"), `${ok}\n${cut}`);
    const plan = synced(planSync({ base: fx.base, executorLog: fx.log, strategy: "rb.trend" }));
    expect(plan.applied).toBe(1);
    expect(plan.warnings).toContain(`${join(fx.log, "20261201.jsonl")}:2: partial last line skipped`);
  });

  it("starts a later sync from an earlier sync's backup", () => {
    laterSessionCrashed();
    applyPlan(synced(planSync({ base: fx.base, executorLog: fx.log })));
    const C = "cccc-3";
    put(
      join(fx.base, "sessions.jsonl"),
      jsonl([start(A, "20261130"), end(A, "20261130"), start(B, "20261201"), start(C, "20261201")]),
    );
    const plan = synced(planSync({ base: fx.base, executorLog: fx.log }));
    expect(plan.baseline).toBe(join(fx.base, "account_backup", `20261201_${B}.json`));
    expect(plan.rows[0]?.before).toEqual({ today: 5, yesterday: 2, avg_price: 3510 });
  });
});
