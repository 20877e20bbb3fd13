import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BotHarness } from "../../src/testing/index.ts";
import type { SyncFixture } from "../recovery/fixtures.ts";
import { CRASHED_SESSION, ENDED_SESSION, type SyncScene, startSyncScene } from "./sync-scene.ts";

const ZH = 1003; // an operator whose Telegram is in Simplified Chinese

let scene: SyncScene;
let fx: SyncFixture;
let map: string;
let h: BotHarness;

beforeEach(async () => {
  scene = await startSyncScene({ operators: [ZH], languages: { [ZH]: "zh-hans" } });
  ({ fx, map, h } = scene);
});
afterEach(() => scene.close());

const zh = { chatId: ZH };

describe("/sync for a Chinese user", () => {
  it("says the saga's steps, the diff header, the Apply question and the result in Chinese; the audit keeps English", async () => {
    const done: { detail?: string }[] = [];
    h.bus.on("command.done", (e) => done.push(e));
    await h.send(ZH, "/sync mm2");
    const progress = await h.waitForMessage(/^sync mm2（执行器 te1）\n[\s\S]*rb2605\.SHFE/, zh);
    const text = progress.text;
    expect(text).toContain(`✓ sessions：崩溃的会话 ${CRASHED_SESSION}（来源 rb.trend#${CRASHED_SESSION}）`);
    expect(text).toContain("✓ info：1 个挂单，1 笔成交");
    expect(text).toContain("✓ cancel：已为 1 个挂单发出撤单");
    expect(text).toContain("✓ has_pending_order：没有挂单");
    expect(text).toMatch(/✓ flush_log：日志 \S+ 已刷新（\d+ 字节）/);
    expect(text).toContain(
      `✓ replay：已回放 1 笔成交，基线：${join(fx.base, "account_backup", `20261201_${ENDED_SESSION}.json`)}`,
    );
    // The header words are Chinese, padded by display cells; the data is as it is.
    const [header, row = ""] = text.split("\n").slice(-2);
    expect(header).toBe("合约         方向  今仓   昨仓   均价      盈亏  成交");
    // The trade id (the executor's) ends the row, after the empty pnl column.
    expect(row.replace(/ +\S+$/, "")).toBe("rb2605.SHFE  多头  0 → 2  0 → 0  0 → 3500");
    expect(text).not.toMatch(/pending order|replayed|symbol|long/);

    const question = await h.waitForMessage(/^应用 sync mm2？\n将写入 /, zh);
    expect(question.text).toBe(
      `应用 sync mm2？\n将写入 ${join(fx.base, "account.synced.json")}, ${join(fx.base, "account_backup", `20261201_${CRASHED_SESSION}.json`)}。\n只有你可以回答；60 秒后失效。`,
    );
    expect(question.keyboard?.inline_keyboard.flat().map((b) => b.text)).toEqual(["应用", "取消"]);
    await h.press(ZH, "应用");
    const synced = join(fx.base, "account.synced.json");
    await h.waitForMessage(`sync mm2：已写入 ${synced}, `, zh);
    expect(existsSync(synced)).toBe(true);
    await h.waitUntil(() => done.length === 1, { what: "command.done" });
    expect(done[0]?.detail).toMatch(new RegExp(`^sync mm2: wrote ${synced}, `));
  });

  it("says in Chinese when an input changed before Apply", async () => {
    await h.send(ZH, "/sync mm2");
    await h.waitForMessage(/^应用 sync mm2？/, zh);
    appendFileSync(join(fx.log, "20261201.jsonl"), `${JSON.stringify({ type: "order", source: "x" })}\n`);
    await h.press(ZH, "应用");
    await h.waitForMessage("sync mm2：试运行之后有输入发生了变化；没有写入任何内容，请重新运行 /sync", zh);
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("refuses in Chinese while the strategy runs again, and for a process not in the map", async () => {
    const done: { detail?: string }[] = [];
    h.bus.on("command.done", (e) => done.push(e));
    await h.addStrategy("mm2");
    await h.send(ZH, "/sync mm2");
    const refused = "mm2 已重新运行：此时同步会与它冲突";
    await h.waitForMessage(`✗ strategy：${refused}\n已拒绝：${refused}`, zh);
    await h.waitUntil(() => done.length === 1, { what: "command.done" });
    expect(done[0]?.detail).toBe("refused: mm2 is running again: a sync now would fight it");

    await h.send(ZH, "/sync mm7");
    const notInMap = await h.waitForMessage(/^mm7 不在 MISSIONCTL_SYNC_MAP 中/, zh);
    expect(notInMap.text).toBe(`mm7 不在 MISSIONCTL_SYNC_MAP 中（${map}）`);
    await h.waitUntil(() => done.length === 2, { what: "command.done" });
    expect(done[1]?.detail).toBe(`mm7 is not in MISSIONCTL_SYNC_MAP (${map})`);
  });
});
