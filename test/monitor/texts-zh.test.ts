import { afterEach, describe, expect, it } from "vitest";
import { composeBatch, type Outgoing } from "../../src/monitor/batch.ts";
import { repeatNote } from "../../src/monitor/outbox.ts";
import { whileDownDetail } from "../../src/monitor/state-rows.ts";
import {
  alertText,
  flappingText,
  infoTexts,
  repeatText,
  resolvedText,
  stillFlappingText,
} from "../../src/monitor/texts.ts";
import { alertWordCount, type MonitorHarness, monitorHarness, T0 } from "./harness.ts";

let h: MonitorHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("alerts in Chinese (MISSIONCTL_LANG=zh)", () => {
  it("keep exactly one English alert word and the process id; resolved says resolved; info lines none", () => {
    const alerts = [
      alertText("mm1", "crashed", "Error: boom\n  at step", "zh"),
      alertText("mm1", "disconnected", undefined, "zh"),
      alertText("mm1", "silent", "15 秒没有心跳", "zh"),
      repeatText(alertText("mm1", "crashed", "boom", "zh"), 30 * 60_000, "zh"),
      flappingText("mm1", "disconnected", 3, 60_000, "zh"),
      stillFlappingText("mm1", "silent", 12, 30 * 60_000, "zh"),
    ];
    expect(alerts.slice(0, 4)).toEqual([
      "🔴 mm1 crashed（崩溃）：Error: boom at step",
      "🔴 mm1 disconnected（连接断开）：未收到停止通知",
      "🟡 mm1 silent（静默）：15 秒没有心跳",
      "🔴 mm1 crashed（崩溃）：boom — 已持续 30 分钟",
    ]);
    for (const text of alerts) {
      expect(alertWordCount(text), text).toBe(1);
      expect(text).toContain("mm1");
    }
    expect(resolvedText("mm1", "心跳已恢复", "zh")).toBe("🟢 mm1 resolved（已恢复）：心跳已恢复");
    const info = infoTexts("zh");
    for (const text of [
      info.stopped("mm1", "finish_and_exit", 0),
      info.exitedAsRequested("mm1"),
      info.backAfterStop("mm1"),
      info.restarted("mm1", 1, 2),
      info.muteExpired("mm*"),
      info.limitReached("mm9", 1000),
    ]) {
      expect(alertWordCount(text), text).toBe(0);
      expect(text).not.toMatch(/resolved/);
    }
    expect(whileDownDetail(Date.UTC(2026, 0, 1, 3, 12), "zh")).toBe(
      "bot 停机期间断开，最后一次心跳在 03:12 UTC",
    );
  });

  it("a monitor in Chinese: silent, then resolved, with the Chinese details", async () => {
    h = await monitorHarness({ lang: "zh" });
    h.monitor.start();
    await h.launch("mm1");
    await h.beat("mm1");
    await h.advance(15_000);
    expect(h.texts()).toEqual(["🟡 mm1 silent（静默）：15 秒没有心跳"]);
    await h.beat("mm1");
    expect(h.texts("alert.resolved")).toEqual(["🟢 mm1 resolved（已恢复）：心跳已恢复"]);
    await h.publish("mm1", "crash", { error: "Error: boom" });
    expect(h.texts("alert").at(-1)).toBe("🔴 mm1 crashed（崩溃）：Error: boom");
    expect(h.monitor.incidents()).toMatchObject([{ id: "mm1", kind: "crashed", since: T0 + 15_000 }]);
  });

  it("a folded message counts in Chinese and keeps the words; a repeat says so in Chinese", () => {
    const item = (id: string, i: number): Outgoing => ({
      kind: "alert",
      alertKind: "silent",
      processId: id,
      text: alertText(id, "silent", undefined, "zh"),
      enqueuedAt: 0,
      urgency: 1,
      seq: i,
    });
    const items = Array.from({ length: 25 }, (_, i) => item(`p${String(i).padStart(4, "0")}`, i));
    const last = composeBatch(items, undefined, "zh").split("\n").at(-1);
    expect(last).toBe(
      "🟡 另有 5 条（5 silent）：p0020, p0021, p0022, p0023, p0024 — /alerts 列出未结束的事件",
    );
    expect(repeatNote("17.1", "zh")).toContain("send 17.1");
  });
});
