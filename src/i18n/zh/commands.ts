/**
 * 中文：the built-in chat commands' help lines and replies. Usages (`/exit <target…> [--now]`)
 * are syntax and are not translated.
 */
import type { Catalog } from "../catalog.ts";
import { clockTime, count } from "../format.ts";
import { dur, role } from "./words.ts";

/**
 * The help line of each built-in command.
 *
 * @example
 * help.exit; // "在当前步骤完成后停止进程（--now：中止当前步骤）"
 */
export const help: Catalog["help"] = {
  help: "列出所有命令，或显示某个命令的用法",
  whoami: "显示你的 Telegram 用户 id 和角色",
  status: "显示所有已知进程；指定目标时还会询问它的状态",
  ping: "询问进程是否存活",
  alerts: "显示未结束的事件和生效中的静音",
  history: "显示最近的命令：谁发了什么，以及每个进程的结果",
  exit: "在当前步骤完成后停止进程（--now：中止当前步骤）",
  pause: "暂停调度步骤（心跳照常）",
  resume: "恢复调度步骤",
  wake: "结束当前休眠：立即开始下一步",
  send: "发送任意命令类型，附带 JSON 参数（需要确认）",
  mute: "在一段时间内静音某个目标的告警（30m、2h、1d）",
  unmute: "取消某个目标的告警静音",
  sync: "根据执行器日志同步崩溃策略的持仓",
};

/**
 * What the built-in commands reply.
 *
 * @example
 * commands.unmute.notMuted({ target: "mm1" }); // "mm1 没有被静音。"
 */
export const commands: Catalog["commands"] = {
  help: {
    one: (p) => `${p.usage}\n${p.help}${p.operator ? "（仅限操作员）" : ""}`,
    header: (p) => `missionctl 命令（你是${p.operator ? "操作员" : "观察员"}）：`,
    line: (p) => `${p.usage} — ${p.help}${p.operatorOnly ? "（仅限操作员）" : ""}`,
    footer: [
      "目标：进程 id、*（所有进程）或 prefix*（例如 mm*）。",
      "作用于多个进程的命令、--now 和 /send 会先请你确认。",
    ].join("\n"),
  },
  whoami: (p) => `你是 ${p.name || "未命名用户"}，Telegram 用户 id ${p.id}，角色是${role(p.role)}。`,
  status: {
    none: "还没有已知的进程。",
    layout: (p) => `部署：${p.layout}。`,
    unknown: (p) => `${p.target}：监控中没有这个进程`,
    tooMany: "（进程太多，无法逐个询问状态：请缩小目标范围。）",
  },
  alerts: {
    none: "没有未结束的事件。",
    header: (p) => `未结束的事件（${p.count}）：`,
    storm: (p) =>
      `未结束的事件（${count(p.count)}）：${p.kinds.map((k) => `${count(k.count)} ${k.kind}`).join("，")}`,
    more: (p) => `… 另有 ${count(p.hidden)} 个；/status 按状态列出所有进程`,
    mutes: (p) => `静音（${p.count}）：`,
  },
  history: {
    notKept: "没有历史记录：这个 bot 没有使用状态数据库（MISSIONCTL_STATE）。",
    none: (p) => (p.target ? `${p.target} 还没有命令记录。` : "还没有命令记录。"),
    header: (p) => `最近 ${p.count} 条命令${p.target ? `（${p.target}）` : ""}，按时间先后：`,
  },
  mute: (p) => `${p.target} 的告警已静音 ${dur(p.durationMs)}，直到 ${clockTime(p.until)}。`,
  unmute: {
    done: (p) => `${p.target} 的告警已取消静音。`,
    notMuted: (p) => `${p.target} 没有被静音。`,
  },
  exit: {
    finished: "已在完成当前步骤后退出",
    aborted: "已退出，当前步骤被中止",
  },
};
