/**
 * 中文：the bot's own lines around a command (refusals, errors, confirmations, progress lines,
 * /sync's live message). Command names, targets and ids stay as typed.
 */
import type { Catalog } from "../catalog.ts";
import { dur, role } from "./words.ts";

/**
 * The bot's own lines, by stage.
 *
 * @example
 * bot.notAuthorized({ userId: 42 }); // "无权限。你的 Telegram 用户 id 是 42。"
 */
export const bot: Catalog["bot"] = {
  notAuthorized: (p) => `无权限。你的 Telegram 用户 id 是 ${p.userId}。`,
  forwarded: "转发的命令不会执行：请自己输入命令。",
  senderChat: "以群组或频道身份发送的命令不会执行：请以你自己的身份发送。",
  unknownCommand: (p) => `未知命令 /${p.name}。发送 /help 查看命令列表。`,
  needsRole: (p) => `/${p.command} 需要${role(p.needed)}角色；你是${role(p.role)}。`,
  usage: (p) => `用法：${p.usage}\n${p.problems.join("\n")}`,
  stale: (p) =>
    `未执行：${p.text} 是 ${dur(p.ageMs)}前发送的，当时 bot 没有在读取消息。如果仍要执行，请重新发送。`,
  failed: (p) => `抱歉，/${p.command} 执行失败：${p.error}`,
  somethingWrong: "抱歉，出了点问题；错误已记录。",
  layoutIpc: (p) => `单机（ipc，目录 ${p.dir}）`,
  layoutProxy: (p) => `多主机，经由代理 ${p.proxy}（连接${p.linkUp ? "正常" : "断开"}）`,
  interrupted: (p) =>
    [`${p.verb} → ${p.targets.join(", ")}`, "bot 在此命令完成前重启了。当前状态：", ...p.lines].join("\n"),
  unknownTarget: (p) => `${p.target} — 监控中没有这个进程`,

  confirm: {
    ok: "确认",
    apply: "应用",
    cancel: "取消",
    question: (p) =>
      [`${p.verb} ${p.summary}？`, ...p.details, `只有你可以回答；${dur(p.ttlMs)}后失效。`].join("\n"),
    connectedNow: (p) => `当前已连接：${p.ids.length ? p.ids.join(", ") : "无"}`,
    cancelled: (p) => `${p.summary}：已取消，未发送任何命令。`,
    expired: (p) => `${p.summary}：${dur(p.ttlMs)}内未确认，未发送任何命令。`,
    gone: "此确认已失效或已被回答。",
    notYours: "只有发起请求的人可以回答。",
    elsewhere: "请在提问所在的聊天里，直接在问题上回答。",
    confirmed: "已确认",
    cancelledToast: "已取消",
  },

  track: {
    header: (p) => `${p.verb} → ${p.targets.join(", ")}${p.final ? "" : " …"}`,
    line: (p) => `${p.id}：${p.text}`,
    pending: "…",
    accepted: "已接受",
    ok: (p) => `ok，${dur(p.elapsedMs)}${p.extra ? ` — ${p.extra}` : ""}`,
    error: (p) => `出错 — ${p.detail}`,
    failed: "失败",
    notConnected: "未连接",
    disconnected: (p) => `${p.acceptedFirst ? "已接受，随后" : ""}在回复前断开了连接`,
    timeout: (p) => `${p.acceptedFirst ? "已接受，但 " : ""}${dur(p.timeoutMs)}内没有回复`,
    noMatch: "没有匹配的已连接进程",
  },

  sync: {
    head: (p) => `sync ${p.process}（执行器 ${p.executor}）${p.final ? "" : " …"}`,
    step: (p) => `${p.ok ? "✓" : "✗"} ${p.step}：${p.text}`,
    nothing: (p) => `无需同步：${p.reason}`,
    refused: (p) => `已拒绝：${p.reason}`,
    warning: (p) => `警告：${p.text}`,
    summary: (p) => `sync ${p.process}`,
    writes: (p) => `将写入 ${p.paths.join(", ")}。`,
    runningAgain: (p) => `sync ${p.process}：${p.process} 已重新运行；没有写入任何内容。`,
    notApplied: (p) => `sync ${p.process}：${p.reason}`,
    wrote: (p) =>
      `sync ${p.process}：已写入 ${p.files.map((f) => `${f.path}${f.changed ? "" : "（未变）"}`).join(", ")}`,
  },
};
