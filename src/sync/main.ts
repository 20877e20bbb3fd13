import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { createProgress, type Progress } from "../cli-progress.ts";
import { ConfigError, DEFAULTS } from "../config.ts";
import { UsageError } from "../errors.ts";
import { catalog } from "../i18n/index.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { createTransport, isProxyMode } from "../ipc/create-transport.ts";
import { isProcessId } from "../ipc/ids.ts";
import { createProcessLogger } from "../log.ts";
import { formatDiffTable } from "../recovery/diff-table.ts";
import { inEnglish } from "../recovery/messages.ts";
import { runSyncSaga, type SagaIpc, type SagaOutcome } from "../recovery/saga.ts";
import { joinProxy } from "../send/join.ts";
import { acquireIdLock } from "../send/lock.ts";

export const SYNC_USAGE = `Usage: missionctl sync --base DIR --executor-log DIR [--executor ID] [--strategy NAME] [--session UUID] [--assume-no-pending] [--apply] [--overwrite] [--json]

Syncs a crashed strategy's positions from its trade executor's log (docs/position-sync.md): asks
the executor (info, cancel, has_pending_order, flush_log) as process "${DEFAULTS.CLI_ID}", replays the
crashed session's fills on its baseline, and prints the diff. A dry run unless --apply.

  --base DIR            the strategy's base folder (sessions.jsonl, account.json, account_backup/)
  --executor-log DIR    the trade executor's log folder ({trading_day}.jsonl)
  --executor ID         the trade executor's process id; without it the executor counts as unreachable
  --strategy NAME       the strategy name of the trade sources (default the account's "strategy")
  --session UUID        sync this session (default the last one, when it did not end cleanly)
  --assume-no-pending   go on when the executor is unreachable
  --apply               write account.synced.json and account_backup/{day}_{session}.json
  --overwrite           write account.json instead (the old one kept as .pre-sync.json)
  --json                JSON lines on stdout (steps, rows, result) instead of the table

Exit codes: 0 the sync (or its dry run) went through, or nothing to sync; 1 refused (pending orders,
executor unreachable, bad data, another sync running); 2 bad usage or a bad configuration value.
Environment (and .env): MISSIONCTL_IPC_DIR, MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT, LOG_LEVEL.`;

/** The parsed command line of `missionctl sync`. */
export interface SyncArgs {
  base: string;
  executorLog: string;
  executor?: string;
  strategy?: string;
  session?: string;
  assumeNoPending: boolean;
  apply: boolean;
  overwrite: boolean;
  json: boolean;
}

/**
 * Parses the flags of DESIGN-fixed `missionctl sync`; "help" for --help. Throws UsageError.
 *
 * @example
 * parseSyncArgs(["--base", "/srv/mm1", "--executor-log", "/srv/te1/log", "--apply"]).apply; // true
 */
export function parseSyncArgs(args: string[]): SyncArgs | "help" {
  const parsed = parseOptions(args, {
    base: { type: "string" },
    "executor-log": { type: "string" },
    executor: { type: "string" },
    strategy: { type: "string" },
    session: { type: "string" },
    "assume-no-pending": { type: "boolean" },
    apply: { type: "boolean" },
    overwrite: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (parsed === "help") return "help";
  const v = parsed.values;
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  if (!v.base) throw new UsageError("missing --base DIR");
  if (!v["executor-log"]) throw new UsageError("missing --executor-log DIR");
  if (v.executor !== undefined && !isProcessId(v.executor)) {
    throw new UsageError(`invalid --executor id ${JSON.stringify(v.executor)}`);
  }
  const out: SyncArgs = {
    base: v.base,
    executorLog: v["executor-log"],
    assumeNoPending: v["assume-no-pending"] === true,
    apply: v.apply === true,
    overwrite: v.overwrite === true,
    json: v.json === true,
  };
  if (v.executor) out.executor = v.executor;
  if (v.strategy) out.strategy = v.strategy;
  if (v.session) out.session = v.session;
  return out;
}

/**
 * `missionctl sync`: the saga and replay from a shell; exit 0 / 1 / 2 as its usage says.
 *
 * @example
 * process.exitCode = await runSyncCommand(["--base", "/srv/mm1", "--executor-log", "/srv/te1/log"]);
 */
export async function runSyncCommand(args: string[]): Promise<number> {
  const start = commandPreamble("sync", SYNC_USAGE, args, parseSyncArgs);
  if (typeof start === "number") return start;
  const { config, args: a } = start;
  const log = createProcessLogger({ level: config.LOG_LEVEL }, process.stderr).child({ module: "sync" });
  const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const proxied = isProxyMode(config);
  // On a terminal only: the step in flight ("flush_log → te1… 1.2 s") on stderr.
  const progress = createProgress();
  let ipc: IpcCommandSystem | undefined;
  let release = () => {};
  if (a.executor) {
    try {
      ipc = new IpcCommandSystem({ transport: createTransport(config, DEFAULTS.CLI_ID, log), logger: log });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      console.error(`missionctl sync: ${err.message}`);
      return 2;
    }
    // Like send: one `cli` socket at a time in IPC_DIR.
    if (!proxied) {
      const onWait = (pid: number | undefined) => progress.start(`waiting for the "cli" lock (pid ${pid})…`);
      try {
        release = await acquireIdLock(config.MISSIONCTL_IPC_DIR, DEFAULTS.CLI_ID, { onWait });
      } finally {
        progress.done();
      }
    }
  }
  try {
    if (ipc) {
      await ipc.start();
      progress.start(
        proxied ? `joining the proxy ${config.MISSIONCTL_PROXY}…` : `connecting to ${a.executor}…`,
      );
      if (proxied) await joinProxy(ipc);
      else if (a.executor) ipc.connectToProcess(a.executor);
    }
    const noIpc = {
      request: () => Promise.reject(new Error("no executor")),
      waitUntilReachable: async (ids: string[]) => ids,
    };
    const result = await runSyncSaga(ipc ? shownOn(progress, ipc) : noIpc, {
      inputs: {
        base: a.base,
        executorLog: a.executorLog,
        overwrite: a.overwrite,
        ...(a.strategy ? { strategy: a.strategy } : {}),
        ...(a.session ? { session: a.session } : {}),
      },
      ...(a.executor ? { executor: a.executor } : {}),
      assumeNoPending: a.assumeNoPending,
      apply: a.apply,
      timeoutMs: config.MISSIONCTL_REPLY_TIMEOUT_MS,
      onStep: (s) => {
        // The stage is over: its line goes, and the next request or wait brings up its own.
        progress.done();
        const text = inEnglish(s.msg);
        if (a.json) out({ type: "step", step: s.step, ok: s.ok, text });
        else console.error(`${s.ok ? "✓" : "✗"} ${s.step}: ${text}`);
      },
    });
    progress.done();
    report(result, a.json, out);
    return result.outcome === "refused" ? 1 : 0;
  } finally {
    progress.done();
    await ipc?.stop({ lingerMs: 100 });
    release();
  }
}

/** The saga's view of `ipc`, each request and wait shown on the progress line while it lasts. */
function shownOn(progress: Progress, ipc: SagaIpc): SagaIpc {
  return {
    request: (target, type, payload, options) => {
      progress.start(`${type} → ${target}…`);
      return ipc.request(target, type, payload, options);
    },
    waitUntilReachable: (ids, ms) => {
      progress.start(`waiting for ${ids.join(", ")}…`);
      return ipc.waitUntilReachable(ids, ms);
    },
  };
}

/** The saga's end on stdout (stderr when refused): the shell speaks the English catalog. */
function report(r: SagaOutcome, json: boolean, out: (line: object) => void): void {
  if (r.outcome !== "ready") {
    const reason = inEnglish(r.why);
    if (json) out({ type: "result", outcome: r.outcome, reason });
    else if (r.outcome === "nothing") console.log(`nothing to sync: ${reason}`);
    else console.error(`missionctl sync: refused: ${reason}`);
    return;
  }
  const p = r.plan;
  const warnings = p.warningMsgs.map(inEnglish);
  const written = r.written?.map((w) => ({ path: w.path, changed: w.changed }));
  if (json) {
    for (const row of p.rows) out({ type: "row", ...row });
    out({
      type: "result",
      outcome: r.written ? "applied" : "dry_run",
      session: p.session,
      source: p.source,
      baseline: p.baseline,
      trading_day: p.trading_day,
      applied: p.applied,
      warnings,
      ...(written ? { written } : { would_write: p.writes.map((w) => w.path) }),
    });
    return;
  }
  console.log(`session ${p.session} (${p.source}), baseline ${p.baseline}, trading day ${p.trading_day}`);
  console.log(formatDiffTable(p.rows, catalog("en")));
  for (const w of warnings) console.log(`warning: ${w}`);
  if (written) for (const w of written) console.log(`wrote ${w.path}${w.changed ? "" : " (unchanged)"}`);
  else console.log(`dry run: --apply would write ${p.writes.map((w) => w.path).join(", ")}`);
}
