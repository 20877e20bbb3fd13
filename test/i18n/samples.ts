/**
 * Sample parameters for every message function of the catalogs, typed against the catalog: a new
 * message without samples, or samples of the wrong shape, do not compile. Several samples per
 * message cover its branches (an optional part present and absent).
 */
import type { Catalog } from "../../src/i18n/index.ts";

/** The samples a catalog needs: for each message function at least one parameter object. */
export type Samples<T> = {
  [K in keyof T as T[K] extends string ? never : K]: T[K] extends (p: infer P) => string
    ? readonly [P, ...P[]]
    : Samples<T[K]>;
};

const T = Date.UTC(2026, 10, 26, 3, 12, 5);

export const SAMPLES: Samples<Catalog> = {
  bot: {
    notAuthorized: [{ userId: 42 }],
    unknownCommand: [{ name: "foo" }],
    needsRole: [{ command: "exit", needed: "operator", role: "viewer" }],
    usage: [{ usage: "/exit <target…> [--now]", problems: ["missing target", "unknown option --force"] }],
    stale: [{ text: "/exit *", ageMs: 600_000 }],
    failed: [{ command: "status", error: "monitor exploded" }],
    layoutIpc: [{ dir: "/tmp/missionctl" }],
    layoutProxy: [
      { proxy: "tcp://10.0.0.1:7100", linkUp: true },
      { proxy: "tcp://10.0.0.1:7100", linkUp: false },
    ],
    interrupted: [{ verb: "exit", targets: ["mm1", "mm*"], lines: ["mm1 — stopped"] }],
    unknownTarget: [{ target: "mm9" }],
    confirm: {
      question: [{ verb: "Confirm", summary: "/exit *", details: ["Connected now: mm1"], ttlMs: 60_000 }],
      connectedNow: [{ ids: ["mm1", "mm2"] }, { ids: [] }],
      cancelled: [{ summary: "/exit *" }],
      expired: [{ summary: "/exit mm2 --now", ttlMs: 60_000 }],
    },
    track: {
      header: [
        { verb: "exit", targets: ["mm1", "mm2"], final: false },
        { verb: "exit", targets: ["mm1"], final: true },
      ],
      line: [{ id: "mm1", text: "ok" }],
      ok: [{ elapsedMs: 800 }, { elapsedMs: 800, extra: "sleeping" }],
      error: [{ detail: "boom" }],
      disconnected: [{ acceptedFirst: true }, { acceptedFirst: false }],
      timeout: [
        { acceptedFirst: true, timeoutMs: 10_000 },
        { acceptedFirst: false, timeoutMs: 10_000 },
      ],
    },
    sync: {
      head: [
        { process: "mm2", executor: "te1", final: false },
        { process: "mm2", executor: "te1", final: true },
      ],
      step: [
        { ok: true, step: "cancel", text: "3 orders cancelled" },
        { ok: false, step: "flush", text: "no reply" },
      ],
      nothing: [{ reason: "no fills since the last account" }],
      refused: [{ reason: "mm2 is running" }],
      warning: [{ text: "clock skew" }],
      summary: [{ process: "mm2" }],
      writes: [{ paths: ["/data/mm2/positions.json", "/data/mm2/account.json"] }],
      runningAgain: [{ process: "mm2" }],
      notApplied: [{ process: "mm2", reason: "an input changed" }],
      wrote: [
        {
          process: "mm2",
          files: [
            { path: "/data/a.json", changed: true },
            { path: "/data/b.json", changed: false },
          ],
        },
      ],
    },
  },
  views: {
    process: [
      {
        id: "mm1",
        state: "up",
        strategyState: "sleeping",
        heartbeatAgoMs: 2000,
        connected: true,
        neverConnected: false,
        mutedUntil: T,
      },
      { id: "mm2", state: "down", connected: false, neverConnected: false },
      { id: "mm3", state: "unknown", connected: false, neverConnected: true },
      { id: "mm4", state: "down", connected: false, neverConnected: true, mutedUntil: T },
    ],
    statusResult: [
      { state: "sleeping", step: 3, lastStepMs: 800, uptimeMs: 60_000, nextStepInMs: 30_000 },
      {},
    ],
    processList: [{ count: 2, lines: ["mm1 — up", "mm2 — down"] }],
    summaryHead: [
      {
        count: 3000,
        tally: [
          { state: "down", count: 40 },
          { state: "never connected", count: 2 },
        ],
      },
      { target: "mm*", count: 1200, tally: [{ state: "up", count: 1200 }] },
    ],
    summaryOrder: [{ unhealthy: true }, { unhealthy: false }],
    summaryMore: [{ hidden: 2920, tally: [{ state: "up", count: 2920 }], narrower: "p1*" }],
    incident: [
      {
        id: "mm1",
        kind: "crashed",
        flapping: true,
        muted: true,
        since: T,
        agoMs: 120_000,
        alerts: 1,
        detail: "Error: boom",
      },
      { id: "mm2", kind: "silent", flapping: false, muted: false, since: T, agoMs: 60_000, alerts: 2 },
    ],
    mute: [
      { target: "mm*", until: T, leftMs: 60_000, by: "ann" },
      { target: "mm1", until: T, leftMs: 60_000 },
    ],
    history: {
      head: [
        { at: T, userName: "ann", userId: 1001, role: "operator", chatId: -100, text: "/exit *" },
        { at: T, userId: 1001, text: "/status" },
      ],
      denied: [{ reason: "not authorized" }],
      confirmation: [
        {
          answer: "confirmed",
          by: 1001,
          why: "the bot stopped",
          refused: [{ by: 1002, button: "Confirm", why: "not the requester" }],
        },
        { answer: "expired", refused: [] },
      ],
      process: [
        { id: "mm1", outcome: "ok", elapsedMs: 800, why: "boom" },
        { id: "mm2", outcome: "timeout" },
      ],
      more: [{ count: 3 }],
      outcome: [
        { outcome: "ok", detail: "wrote a.json", processes: ["mm1 ok 0.8 s"] },
        { outcome: "error", processes: [] },
      ],
    },
  },
  help: {},
  commands: {
    help: {
      one: [
        { usage: "/exit <target…> [--now]", help: "Stop", operator: true },
        { usage: "/status [target]", help: "Show", operator: false },
      ],
      header: [{ operator: true }, { operator: false }],
      line: [
        { usage: "/exit <target…> [--now]", help: "Stop", operatorOnly: true },
        { usage: "/status [target]", help: "Show", operatorOnly: false },
      ],
    },
    whoami: [
      { name: "ann", id: 1001, role: "operator" },
      { name: "", id: 1002, role: "viewer" },
    ],
    status: {
      layout: [{ layout: "one machine (ipc in /tmp/missionctl)" }],
      unknown: [{ target: "mm9" }],
    },
    alerts: {
      header: [{ count: 2 }],
      storm: [
        {
          count: 3000,
          kinds: [
            { kind: "crashed", count: 10 },
            { kind: "silent", count: 2990 },
          ],
        },
      ],
      more: [{ hidden: 2900 }],
      mutes: [{ count: 1 }],
    },
    history: {
      none: [{ target: "mm1" }, {}],
      header: [{ count: 1, target: "mm1" }, { count: 5 }],
    },
    mute: [{ target: "mm1", durationMs: 1_800_000, until: T }],
    unmute: {
      done: [{ target: "mm1" }],
      notMuted: [{ target: "mm1" }],
    },
    exit: {},
  },
  args: {
    notATarget: [{ input: "mm 1" }],
    notACommandType: [{ input: "Status" }],
    unknownOption: [{ name: "force" }],
    takesNoValue: [{ name: "now" }],
    needsValue: [{ name: "as" }],
    missing: [{ names: "target" }],
    tooMany: [{ extra: ["mm2", "mm3"] }],
    notACount: [{ input: "x" }],
    countRange: [{ max: 100 }],
    notADuration: [{ input: "5x" }],
    muteTooLong: [{ max: "30d" }],
    payloadNotJson: [{ json: "{level: 2" }],
  },
  monitor: {
    alert: {
      crashed: [{ id: "mm1", detail: "Error: boom" }, { id: "mm1" }],
      disconnected: [{ id: "mm1", detail: "no stopped notice" }, { id: "mm1" }],
      silent: [{ id: "mm1", detail: "no heartbeat for 15 s" }, { id: "mm1" }],
    },
    repeat: [{ first: "🔴 mm1 crashed: Error: boom", sinceMs: 1_800_000 }],
    flapping: [
      { icon: "🟠", id: "mm1", kind: "disconnected", count: 3, windowMs: 60_000 },
      { icon: "🟡", id: "mm1", kind: "silent", count: 3, windowMs: 60_000 },
    ],
    stillFlapping: [{ id: "mm1", kind: "crashed", count: 40, sinceMs: 1_800_000 }],
    resolved: [{ id: "mm1", how: "heartbeats are back" }],
    info: {
      stopped: [{ id: "mm1", reason: "finish_and_exit", exitCode: 0 }, { id: "mm1" }],
      exitedAsRequested: [{ id: "mm1" }],
      backAfterStop: [{ id: "mm1" }],
      restarted: [{ id: "mm1", oldPid: 1000, newPid: 1001 }],
      muteExpired: [{ target: "mm*" }],
      limitReached: [{ id: "mm1001", max: 1000 }],
    },
    detail: {
      noHeartbeatFor: [{ ms: 15_000 }],
      whileDown: [{ lastHeartbeatAt: T }, {}],
      stoppedAsPlanned: [{ reason: "finish_and_exit" }, {}],
      stableAfterFlapping: [{ windowMs: 60_000 }],
      proxyLost: [
        { at: T, unreachable: ["mm1", "mm2"] },
        { at: T, unreachable: [] },
      ],
      proxyBack: [{ back: 2, of: 3 }],
      stillMissing: [{ detail: "no stopped notice" }],
    },
    batch: {
      folded: [
        {
          icon: "🔴",
          count: 980,
          tally: [
            { word: "silent", count: 978 },
            { word: "info", count: 2 },
          ],
        },
      ],
      repeatNote: [{ sendId: "17.1" }],
    },
  },
  sync: {
    msg: {
      locked: [
        { pid: 4242, path: "/srv/mm2/.sync.lock" },
        { pid: undefined, path: "/srv/mm2/.sync.lock" },
      ],
      crashed: [{ session: "9f1c-2", source: "rb.trend#9f1c-2" }],
      strategyRunning: [{ process: "mm2" }],
      executorUnreachable: [{ executor: "te1" }, { executor: undefined }],
      assumedNoPending: [{ executor: "te1" }, { executor: undefined }],
      noReply: [
        { request: "info", executor: "te1", why: "timeout" },
        { request: "cancel", executor: "te1", why: "disconnected" },
        { request: "flush_log", executor: "te1", why: "not_connected" },
      ],
      executorError: [{ request: "cancel", executor: "te1", error: "gateway down" }],
      info: [{ pending: 2, trades: 5 }],
      cancelSent: [{ orders: 2 }],
      stillPending: [{ checks: 6 }],
      flushMismatch: [{ file: "/srv/te1/log/20261201.jsonl", onDisk: 512, bytes: 1024 }],
      flushed: [
        { file: "/srv/te1/log/20261201.jsonl", bytes: 1024 },
        { file: undefined, bytes: 0 },
      ],
      replayed: [
        { applied: 3, baseline: "/srv/mm2/account_backup/20261130_aaaa-1.json" },
        { applied: 1, baseline: undefined },
      ],
      written: [
        {
          files: [
            { path: "/srv/mm2/account.synced.json", changed: true },
            { path: "/srv/mm2/account_backup/20261201_9f1c-2.json", changed: false },
          ],
        },
      ],
      partialLine: [{ where: "/srv/te1/log/20261201.jsonl:12" }],
      duplicateTrade: [{ where: "/srv/te1/log/20261201.jsonl:7", tradeId: "x2" }],
      unsyncedSessions: [{ sessions: ["bbbb-2", "cccc-3"] }],
      badData: [{ where: "/srv/te1/log/20261201.jsonl:3", detail: 'unknown direction "hold"' }],
      noSessionsFile: [{ where: "/srv/mm2/sessions.jsonl" }],
      noSession: [{ where: "/srv/mm2/sessions.jsonl", session: "9f1c-2" }],
      backupMissing: [{ where: "/srv/mm2/account_backup/20261130_aaaa-1.json", session: "aaaa-1" }],
      strategyUnknown: [{ where: "/srv/mm2/account.json" }],
      noLogFolder: [{ where: "/srv/te1/log" }],
      notJson: [{ where: "/srv/te1/log/20261201.jsonl:2" }],
      notObject: [{ where: "/srv/te1/log/20261201.jsonl:2" }],
      accountNotJson: [{ where: "/srv/mm2/account.json" }],
      overClose: [
        {
          where: "/srv/te1/log/20261201.jsonl:4",
          offset: "close_today",
          qty: 3,
          symbol: "rb2605",
          side: "long",
          may: 2,
        },
        {
          where: "/srv/te1/log/20261201.jsonl:5",
          offset: "close",
          qty: 1,
          symbol: "ag2606",
          side: "short",
          may: 0,
        },
      ],
      mapUnreadable: [{ file: "/etc/missionctl/sync.json", detail: "ENOENT: no such file or directory" }],
      mapInvalid: [{ file: "/etc/missionctl/sync.json", field: "mm1.executor", problem: "Invalid string" }],
      notInMap: [{ process: "mm7", file: "/etc/missionctl/sync.json" }],
    },
    table: {},
  },
};
