/** `missionctl history`: the audit of chat commands (docs/state.md) as JSON lines, for scripts. */
import { commandPreamble, parseOptions } from "../cli-preamble.ts";
import { UsageError } from "../errors.ts";
import { isTargetId } from "../ipc/ids.ts";
import { openState, StateError } from "../state/index.ts";

export const HISTORY_USAGE = `Usage: missionctl history [target] [-n N]

Prints the last chat commands the bot kept in its state database (MISSIONCTL_STATE), oldest first,
one JSON object per line: when, who (user id, name, role), the chat, the text, the targets, the
confirmation (who pressed what), the outcome, and each process's outcome and time; denials too.
The same records as /history in the chat.

  [target]         only commands touching it: a process id, "*" or "prefix*"
  -n N, --limit N  how many (default 10, at most 10000)

Exit codes: 0 printed (maybe nothing); 1 the state database is missing or unusable; 2 bad usage or a
bad configuration value. Reading never changes the database; the bot may run meanwhile.`;

/** The parsed command line of `missionctl history`. */
export interface HistoryArgs {
  target?: string;
  limit: number;
}

/**
 * Parses `[target] [-n N]`; "help" for --help. Throws UsageError on bad usage.
 *
 * @example
 * parseHistoryArgs(["mm*", "-n", "5"]); // { target: "mm*", limit: 5 }
 */
export function parseHistoryArgs(args: string[]): HistoryArgs | "help" {
  const parsed = parseOptions(args, { limit: { type: "string", short: "n" } });
  if (parsed === "help") return "help";
  const [target, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (target !== undefined && !isTargetId(target))
    throw new UsageError(`invalid target ${JSON.stringify(target)}`);
  const raw = parsed.values.limit ?? "10";
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > 10_000) {
    throw new UsageError(`-n must be a whole number from 1 to 10000 (got ${JSON.stringify(raw)})`);
  }
  return { ...(target !== undefined ? { target } : {}), limit };
}

/**
 * Prints the records; resolves to the exit code.
 *
 * @example
 * process.exitCode = await runHistoryCommand(["mm1", "-n", "20"]);
 */
export async function runHistoryCommand(args: string[]): Promise<number> {
  const start = commandPreamble("history", HISTORY_USAGE, args, parseHistoryArgs);
  if (typeof start === "number") return start;
  const { target, limit } = start.args;
  let state: ReturnType<typeof openState>;
  try {
    state = openState(start.config.MISSIONCTL_STATE, { readonly: true });
  } catch (err) {
    if (!(err instanceof StateError)) throw err;
    console.error(`missionctl history: ${err.message}`);
    return 1;
  }
  try {
    for (const row of state.audit.recent(target, limit)) process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    state.close();
  }
  return 0;
}
