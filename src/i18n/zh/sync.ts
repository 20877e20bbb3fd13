/**
 * 中文：what a position sync says in the chat's /sync. Process, executor and session ids, file
 * paths, request types (info, cancel, has_pending_order, flush_log, close_today…), flags and
 * MISSIONCTL_SYNC_MAP stay as they are: an operator looks them up in logs and files.
 */
import type { Catalog } from "../catalog.ts";

const MISSING: Record<string, string> = {
  timeout: "超时",
  disconnected: "连接已断开",
  not_connected: "未连接",
};
const EMPTY_BASELINE = "空（首个会话，没有 pre_account.json）";
const SIDES: Record<string, string> = { long: "多头", short: "空头" };

const unreachable = (executor: string | undefined) =>
  executor === undefined ? "无法连接执行器（未指定执行器 id）" : `无法连接执行器 ${executor}`;

/**
 * The sync's texts in Chinese.
 *
 * @example
 * sync.msg.info({ pending: 1, trades: 3 }); // "1 个挂单，3 笔成交"
 */
export const sync: Catalog["sync"] = {
  msg: {
    locked: (p) => `该策略的另一个同步正在进行（pid ${p.pid ?? "?"}，${p.path}）`,
    cleanEnd: "上一个会话已正常结束",
    cleanEndStep: "上一个会话已正常结束：无需同步",
    crashed: (p) => `崩溃的会话 ${p.session}（来源 ${p.source}）`,
    strategyRunning: (p) => `${p.process} 已重新运行：此时同步会与它冲突`,
    executorUnreachable: (p) => `${unreachable(p.executor)}（如果它已不在，请使用 --assume-no-pending）`,
    assumedNoPending: (p) => `${unreachable(p.executor)}：假定没有挂单`,
    noReply: (p) => `${p.request}：${p.executor} 没有回复（${MISSING[p.why] ?? p.why}）`,
    executorError: (p) => `${p.request}：${p.executor} 返回错误：${p.error}`,
    info: (p) => `${p.pending} 个挂单，${p.trades} 笔成交`,
    cancelSent: (p) => `已为 ${p.orders} 个挂单发出撤单`,
    stillPending: (p) => `撤单后仍有挂单（已检查 ${p.checks} 次）`,
    noPending: "没有挂单",
    flushMismatch: (p) => `${p.file} 在磁盘上只有 ${p.onDisk} 字节，执行器说有 ${p.bytes} 字节`,
    flushed: (p) => `${p.file === undefined ? "日志" : `日志 ${p.file} `}已刷新（${p.bytes} 字节）`,
    emptyBaseline: EMPTY_BASELINE,
    replayed: (p) => `已回放 ${p.applied} 笔成交，基线：${p.baseline ?? EMPTY_BASELINE}`,
    written: (p) => `已写入 ${p.files.map((f) => `${f.path}${f.changed ? "" : "（未变）"}`).join(", ")}`,
    inputChanged: "试运行之后有输入发生了变化；没有写入任何内容，请重新运行 /sync",

    partialLine: (p) => `${p.where}：跳过了不完整的最后一行`,
    duplicateTrade: (p) => `${p.where}：成交 ${p.tradeId} 此前已出现，已跳过`,
    unsyncedSessions: (p) => `此前既未正常结束也未同步过的会话：${p.sessions.join(", ")}`,

    badData: (p) => `${p.where}：数据有误 — ${p.detail}`,
    noSessionsFile: (p) => `${p.where}：没有 sessions.jsonl`,
    noSession: (p) => `${p.where}：没有会话 ${p.session}`,
    backupMissing: (p) => `${p.where}：会话 ${p.session} 已正常结束，但缺少它的账户备份`,
    strategyUnknown: (p) => `${p.where}：策略名未知：请传入 --strategy`,
    noLogFolder: (p) => `${p.where}：找不到执行器日志目录`,
    notJson: (p) => `${p.where}：这一行不是 JSON`,
    notObject: (p) => `${p.where}：这一行不是 JSON 对象`,
    accountNotJson: (p) => `${p.where}：账户文件不是 JSON`,
    overClose: (p) =>
      `${p.where}：${p.symbol} ${SIDES[p.side] ?? p.side}的 ${p.offset} ${p.qty} 手超过了可平的 ${p.may} 手`,

    mapUnset: "未设置 MISSIONCTL_SYNC_MAP：/sync 需要它（见 docs/position-sync.md）",
    mapUnreadable: (p) => `无法读取 MISSIONCTL_SYNC_MAP ${p.file}：${p.detail}`,
    mapInvalid: (p) => `MISSIONCTL_SYNC_MAP ${p.file} 格式有误：${p.field}：${p.problem}`,
    notInMap: (p) => `${p.process} 不在 MISSIONCTL_SYNC_MAP 中（${p.file}）`,
  },

  table: {
    symbol: "合约",
    side: "方向",
    today: "今仓",
    yesterday: "昨仓",
    avgPrice: "均价",
    pnl: "盈亏",
    trades: "成交",
    long: "多头",
    short: "空头",
  },
};
