/**
 * English: what a position sync says (docs/position-sync.md), in the chat's /sync and in
 * `missionctl sync` alike: the saga's steps, why it refused or had nothing to do, the data problems
 * it found, the sync map's errors, and the diff table's words. The CLI prints these very texts, so
 * changing one here changes the shell's output too.
 */

const EMPTY_BASELINE = "(empty: first session, no pre_account.json)";

/**
 * The sync's texts. `msg` holds one text per thing src/recovery can say (a step's outcome, a
 * reason, a data problem); src/recovery/messages.ts names them by key. `where` is `file` or
 * `file:line`.
 *
 * @example
 * sync.msg.info({ pending: 1, trades: 3 }); // "1 pending order(s), 3 trade(s)"
 */
export const sync = {
  msg: {
    // The saga's steps, and the reasons it stops with.
    locked: (p: { pid: number | undefined; path: string }) =>
      `another sync of this strategy is running (pid ${p.pid ?? "?"}, ${p.path})`,
    cleanEnd: "the last session ended cleanly",
    cleanEndStep: "the last session ended cleanly: nothing to sync",
    crashed: (p: { session: string; source: string }) => `crashed session ${p.session} (source ${p.source})`,
    strategyRunning: (p: { process: string }) => `${p.process} is running again: a sync now would fight it`,
    executorUnreachable: (p: { executor: string | undefined }) =>
      `executor ${p.executor ?? "(no executor id)"} unreachable (use --assume-no-pending if it is gone)`,
    assumedNoPending: (p: { executor: string | undefined }) =>
      `executor ${p.executor ?? "(no executor id)"} unreachable: assuming no pending orders`,
    /** `why`: the IPC's missing reason, `timeout`, `disconnected` or `not_connected`. */
    noReply: (p: { request: string; executor: string; why: string }) =>
      `${p.request}: no reply from ${p.executor} (${p.why})`,
    executorError: (p: { request: string; executor: string; error: string }) =>
      `${p.request}: ${p.executor} answered error: ${p.error}`,
    info: (p: { pending: number; trades: number }) => `${p.pending} pending order(s), ${p.trades} trade(s)`,
    cancelSent: (p: { orders: number }) => `cancel sent for ${p.orders} order(s)`,
    stillPending: (p: { checks: number }) => `orders still pending after cancel (${p.checks} checks)`,
    noPending: "no pending orders",
    flushMismatch: (p: { file: string; onDisk: number; bytes: number }) =>
      `${p.file} has ${p.onDisk} bytes on disk, the executor says ${p.bytes}`,
    flushed: (p: { file: string | undefined; bytes: number }) =>
      `${p.file ?? "log"} flushed (${p.bytes} bytes)`,
    emptyBaseline: EMPTY_BASELINE,
    replayed: (p: { applied: number; baseline: string | undefined }) =>
      `${p.applied} trade(s) replayed from ${p.baseline ?? EMPTY_BASELINE}`,
    written: (p: { files: readonly { path: string; changed: boolean }[] }) =>
      p.files.map((f) => `${f.path}${f.changed ? "" : " (unchanged)"}`).join(", "),
    inputChanged: "an input changed since the dry run; nothing was written, run /sync again",

    // What the dry run warns of.
    partialLine: (p: { where: string }) => `${p.where}: partial last line skipped`,
    duplicateTrade: (p: { where: string; tradeId: string }) =>
      `${p.where}: trade ${p.tradeId} seen before, skipped`,
    unsyncedSessions: (p: { sessions: readonly string[] }) =>
      `sessions without a clean end or a sync before this one: ${p.sessions.join(", ")}`,

    // Inputs that cannot be trusted. `detail` is a check's own English (it names a field of the
    // file format, or quotes the bad value); the others are the problems a person fixes by hand.
    badData: (p: { where: string; detail: string }) => `${p.where}: ${p.detail}`,
    noSessionsFile: (p: { where: string }) => `${p.where}: no sessions.jsonl`,
    noSession: (p: { where: string; session: string }) => `${p.where}: no session ${p.session}`,
    backupMissing: (p: { where: string; session: string }) =>
      `${p.where}: session ${p.session} ended cleanly but its account backup is missing`,
    strategyUnknown: (p: { where: string }) => `${p.where}: strategy name unknown: pass --strategy`,
    noLogFolder: (p: { where: string }) => `${p.where}: executor log folder not found`,
    notJson: (p: { where: string }) => `${p.where}: line is not JSON`,
    notObject: (p: { where: string }) => `${p.where}: line is not a JSON object`,
    accountNotJson: (p: { where: string }) => `${p.where}: account file is not JSON`,
    overClose: (p: {
      where: string;
      offset: string;
      qty: number;
      symbol: string;
      side: string;
      may: number;
    }) =>
      `${p.where}: ${p.offset} of ${p.qty} ${p.symbol} ${p.side} is larger than the ${p.may} lots it may take from`,

    // MISSIONCTL_SYNC_MAP, which /sync reads at each use. `detail`/`problem`: Node's or zod's English.
    mapUnset: "MISSIONCTL_SYNC_MAP is not set: /sync needs it (docs/position-sync.md)",
    mapUnreadable: (p: { file: string; detail: string }) => `MISSIONCTL_SYNC_MAP ${p.file}: ${p.detail}`,
    mapInvalid: (p: { file: string; field: string; problem: string }) =>
      `MISSIONCTL_SYNC_MAP ${p.file}: ${p.field}: ${p.problem}`,
    notInMap: (p: { process: string; file: string }) =>
      `${p.process} is not in MISSIONCTL_SYNC_MAP (${p.file})`,
  },

  /** The diff table's header row and side words; its data (symbols, lots, prices) is not text. */
  table: {
    symbol: "symbol",
    side: "side",
    today: "today",
    yesterday: "yesterday",
    avgPrice: "avg price",
    pnl: "pnl",
    trades: "trades",
    long: "long",
    short: "short",
  },
};
