/**
 * 中文：the monitor's views as chat lines (/status, /alerts, the restart note) and /history's
 * audit records. Liveness states (`up`, `down`, `silent`, …), alert words and outcomes recorded in
 * the audit stay as they are: they are what `missionctl history` and the alerts say too.
 */
import type { Catalog } from "../catalog.ts";
import type { StateCount } from "../en/views.ts";
import { auditTime, clockTime, count } from "../format.ts";
import { dur } from "./words.ts";

const NEVER_CONNECTED = "从未连接";
const state = (s: string): string => (s === "never connected" ? NEVER_CONNECTED : s);
const tally = (counts: readonly StateCount[]): string =>
  counts.map((c) => `${count(c.count)} ${state(c.state)}`).join("，");

const ANSWERS: Record<string, string> = { confirmed: "已确认", cancelled: "已取消", expired: "已过期" };

/**
 * Chat renderings of views.
 *
 * @example
 * views.mute({ target: "mm*", until: 0, leftMs: 60_000, by: "ann" });
 * // "mm* — 静音至 00:00 UTC（剩余 60 秒），由 ann 设置"
 */
export const views: Catalog["views"] = {
  process: (p) => {
    const muted = p.mutedUntil !== undefined ? `静音至 ${clockTime(p.mutedUntil)}` : "未静音";
    if (p.neverConnected) {
      const was = p.state === "unknown" ? "" : `${p.state}，`;
      return `${p.id} — ${was}自 bot 启动以来${NEVER_CONNECTED}，${muted}`;
    }
    const s = p.strategyState ? `${p.state}（${p.strategyState}）` : p.state;
    const heartbeat = p.heartbeatAgoMs !== undefined ? `心跳于 ${dur(p.heartbeatAgoMs)}前` : "尚无心跳";
    return `${p.id} — ${s}，${heartbeat}，${p.connected ? "已连接" : "未连接"}，${muted}`;
  },
  statusResult: (p) =>
    [
      p.state,
      p.step !== undefined ? `第 ${p.step} 步` : undefined,
      p.lastStepMs !== undefined ? `上一步用时 ${dur(p.lastStepMs)}` : undefined,
      p.uptimeMs !== undefined ? `已运行 ${dur(p.uptimeMs)}` : undefined,
      p.nextStepInMs !== undefined ? `${dur(p.nextStepInMs)}后开始下一步` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join("，"),
  processList: (p) => `进程（${p.count}）：\n${p.lines.join("\n")}`,
  summaryHead: (p) =>
    p.target
      ? `${p.target}：${count(p.count)} 个进程 — ${tally(p.tally)}`
      : `进程（${count(p.count)}）：${tally(p.tally)}`,
  summaryOrder: (p) => `（${p.unhealthy ? "异常的排在前面" : "全部正常"}；进程太多，无法逐行列出）`,
  summaryMore: (p) =>
    `… 另有 ${count(p.hidden)} 个（${tally(p.tally)}）：请缩小目标范围，例如 /status ${p.narrower}`,
  incident: (p) => {
    const flags = [p.flapping ? "抖动中" : "", p.muted ? "已静音" : ""].filter(Boolean);
    const marks = flags.length ? ` [${flags.join("，")}]` : "";
    const detail = p.detail ? `：${p.detail}` : "";
    return `${p.id} — ${p.kind}${marks}，始于 ${clockTime(p.since)}（${dur(p.agoMs)}前），已发送 ${p.alerts} 条告警${detail}`;
  },
  mute: (p) =>
    `${p.target} — 静音至 ${clockTime(p.until)}（剩余 ${dur(p.leftMs)}）${p.by ? `，由 ${p.by} 设置` : ""}`,

  history: {
    head: (p) => {
      const who = `${p.userName ? `${p.userName} ` : ""}(${p.userId}${p.role ? `, ${p.role}` : ""})`;
      const where = p.chatId !== undefined ? ` 在聊天 ${p.chatId} 中` : "";
      return `${auditTime(p.at)} ${who}${where}：${p.text}`;
    },
    denied: (p) => `  已拒绝：${p.reason}`,
    confirmation: (p) => {
      const refused = p.refused.map((r) => `${r.by} 按了 ${r.button}（${r.why}）`);
      const answer = ANSWERS[p.answer] ?? p.answer;
      return `  ${answer}${p.by !== undefined ? `（由 ${p.by}）` : ""}${p.why ? `（${p.why}）` : ""}${refused.length ? `；被拒绝的按键：${refused.join("，")}` : ""}`;
    },
    process: (p) =>
      `${p.id} ${p.outcome}${p.elapsedMs !== undefined ? ` ${dur(p.elapsedMs)}` : ""}${p.why ? `（${p.why}）` : ""}`,
    more: (p) => `另有 ${p.count} 个`,
    outcome: (p) =>
      `  ${p.outcome}${p.detail ? ` — ${p.detail}` : ""}${p.processes.length ? `：${p.processes.join("，")}` : ""}`,
  },
};
