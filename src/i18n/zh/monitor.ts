/**
 * 中文：the monitor's lines to the alert chats (MISSIONCTL_LANG=zh). Each alert keeps its English
 * word (`crashed`, `disconnected`, `silent`) and the end of an incident says `resolved`, with the
 * Chinese beside it, so that scripts and people search one word in both languages.
 */
import type { Catalog } from "../catalog.ts";
import { clockTime, count } from "../format.ts";
import { dur } from "./words.ts";

const NO_ERROR_TEXT = "没有错误信息";
const NO_STOPPED_NOTICE = "未收到停止通知";
/** The folded line counts `info` lines under a Chinese word; alert words and `resolved` stay. */
const word = (w: string): string => (w === "info" ? "条通知" : w);

/**
 * Alerts, resolved notices, info lines, and the details they quote.
 *
 * @example
 * monitor.alert.crashed({ id: "mm1", detail: "Error: boom" }); // "🔴 mm1 crashed（崩溃）：Error: boom"
 */
export const monitor: Catalog["monitor"] = {
  alert: {
    crashed: (p) => `🔴 ${p.id} crashed（崩溃）：${p.detail || NO_ERROR_TEXT}`,
    disconnected: (p) => `🔴 ${p.id} disconnected（连接断开）：${p.detail || NO_STOPPED_NOTICE}`,
    silent: (p) => `🟡 ${p.id} silent（静默）：${p.detail || "没有心跳"}`,
  },
  repeat: (p) => `${p.first} — 已持续 ${dur(p.sinceMs)}`,
  flapping: (p) =>
    `${p.icon} ${p.id} ${p.kind}（抖动：${dur(p.windowMs)}内发生 ${p.count} 次事件；稳定 ${dur(p.windowMs)}之前，后续变化合并通知）`,
  stillFlapping: (p) => `🟠 ${p.id} ${p.kind}（仍在抖动：${dur(p.sinceMs)}内发生 ${p.count} 次事件）`,
  resolved: (p) => `🟢 ${p.id} resolved（已恢复）：${p.how}`,

  info: {
    stopped: (p) => {
      const parts = [p.reason, p.exitCode !== undefined ? `退出码 ${p.exitCode}` : undefined].filter(Boolean);
      return `⚪ ${p.id} 已按计划停止${parts.length ? `（${parts.join("，")}）` : ""}`;
    },
    exitedAsRequested: (p) => `⚪ ${p.id} 已按要求退出`,
    backAfterStop: (p) => `⚪ ${p.id} 在计划停止后重新运行了`,
    restarted: (p) => `⚪ ${p.id} 已重启（pid ${p.oldPid} → ${p.newPid}），期间没有收到停止通知`,
    muteExpired: (p) => `🔔 ${p.target} 的静音已到期，它的告警重新开启`,
    limitReached: (p) =>
      `⚠️ 未跟踪 ${p.id}：监控已在跟踪 ${count(p.max)} 个进程（MISSIONCTL_MAX_PROCESSES），之后的新进程也不会被跟踪`,
  },

  detail: {
    noErrorText: NO_ERROR_TEXT,
    noStoppedNotice: NO_STOPPED_NOTICE,
    neverConnected: "自 bot 启动以来从未连接",
    noHeartbeatFor: (p) => `${dur(p.ms)}没有心跳`,
    whileDown: (p) =>
      `bot 停机期间断开，${p.lastHeartbeatAt === undefined ? "没有已知的心跳" : `最后一次心跳在 ${clockTime(p.lastHeartbeatAt)}`}`,
    heartbeatsBack: "心跳已恢复",
    connectedAgain: "已重新连接",
    stoppedAsPlanned: (p) => `它已按计划停止${p.reason ? `（${p.reason}）` : ""}`,
    stableAfterFlapping: (p) => `抖动后已稳定 ${dur(p.windowMs)}`,
    proxyLost: (p) => {
      const n = p.unreachable.length;
      const names = n > 0 ? `（${p.unreachable.slice(0, 10).join(", ")}${n > 10 ? ", …" : ""}）` : "";
      return `${clockTime(p.at)} 与代理的连接中断：${n} 个进程无法访问${names}`;
    },
    proxyBack: (p) => `连接已恢复；${p.of} 个进程中有 ${p.back} 个已重新出现`,
    stillMissing: (p) => `${p.detail}；代理恢复后仍然缺失`,
  },

  batch: {
    folded: (p) =>
      `${p.icon} 另有 ${count(p.count)} 条（${p.tally.map((t) => `${count(t.count)} ${word(t.word)}`).join("，")}）：`,
    hint: " — /alerts 列出未结束的事件",
    repeatNote: (p) => `↻ 重新发送：之前一次发送（send ${p.sendId}）未确认送达，这条可能与它重复`,
  },
};
