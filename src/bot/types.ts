/**
 * The shape of a chat command (one file each in commands/) and the narrow context its handler gets:
 * what it needs to answer and to act, nothing that would let it bypass tracking or the audit.
 */
import type { z } from "zod";
import type { Clock } from "../clock.ts";
import type { Catalog, Lang, Localized } from "../i18n/index.ts";
import type { ReplyEvent } from "../ipc/request.ts";
import type { Logger } from "../log.ts";
import type { Incident, Mute, ProcessView } from "../monitor/types.ts";
import type { AuditRow } from "../state/audit.ts";

/** Viewers may run read-only commands; operators may run everything. */
export type Role = "viewer" | "operator";

/** What the tokenizer makes of `/exit mm1 mm2 --now`: the input of every command's zod schema. */
export interface CommandTokens {
  /** Positional words: `["mm1", "mm2"]`. */
  args: string[];
  /** `--now` → `{ now: true }`, `--key=value` → `{ key: "value" }`. */
  flags: Record<string, string | true>;
  /** The raw text after the command name, trimmed (for arguments with spaces, such as JSON). */
  text: string;
}

/** One IPC request to run with a live progress message. */
export interface TrackedRequest {
  target: string;
  commandType: string;
  payload?: Record<string, unknown>;
}

export interface TrackSpec {
  /** The header verb, a command name (not translated): `exit` gives "exit → mm1, mm2 …". */
  verb: string;
  requests: TrackedRequest[];
  /** Extra words after "ok, 0.8 s" for an ok reply (e.g. the state a ping returned). */
  describe?: (reply: ReplyEvent, request: TrackedRequest) => string | undefined;
  /** Lines shown above the per-process lines (e.g. /status's monitor view). */
  preamble?: string;
  /**
   * The requests stop their processes (/exit): the monitor is told the coming disconnects are
   * planned, and told again for every process that refused or was never reached.
   */
  stops?: boolean;
}

/** How one process ended in a tracked command: its terminal reply, or why there was none. */
export type ProcessOutcome = "ok" | "error" | "accepted" | "not_connected" | "disconnected" | "timeout";

/** What a tracked command came to: overall, and per process. */
export interface TrackSummary {
  outcome: Outcome;
  processes: ReadonlyMap<string, ProcessOutcome>;
}

/** How a command ended, for the audit log (`command.done`). */
export type Outcome = "ok" | "error" | "timeout" | "not_connected" | "cancelled" | "expired" | "invalid";

/** Read-only views of what the monitor knows. */
export interface MonitorView {
  /** Every known process, sorted by id. */
  processes(): readonly ProcessView[];
  /** Open incidents. */
  incidents(): readonly Incident[];
  /** Mutes in force. */
  mutes(): readonly Mute[];
}

/** Mute operations, done in the asking user's name. */
export interface MuteOps {
  /** Mutes alerts for `target` (`mm1`, `*`, `mm*`) for `durationMs`; returns the mute. */
  add(target: string, durationMs: number): Mute;
  /** Removes the mutes set for exactly `target`; returns how many were removed. */
  remove(target: string): number;
}

/** One chat command as the audit kept it (`/history`). */
export type HistoryEntry = AuditRow;

/** The audit of chat commands, read-only. */
export interface HistoryView {
  /** False when the bot runs without a state database: nothing is kept, `recent` is empty. */
  readonly kept: boolean;
  /** The last `n` commands (those touching `target` when given: an id, `*`, `prefix*`), oldest first. */
  recent(target: string | undefined, n: number): readonly HistoryEntry[];
}

/** Targets as the IPC sees them now. */
export interface TargetsView {
  /** Unicast ids as given, `*` / `prefix*` expanded over the processes known now, sorted. */
  expand(targets: readonly string[]): string[];
  /** The processes connected now that `target` reaches. */
  connected(target: string): string[];
}

/** Position sync after a crash (/sync, docs/position-sync.md), in the asking user's name. */
export interface SyncOps {
  /**
   * Runs the dry run for a process of MISSIONCTL_SYNC_MAP (each saga step a line of one live
   * message, then the diff), asks the requester Apply / Cancel, and writes on Apply when no input
   * changed. Resolves with the outcome and what the final message said, for the audit.
   */
  run(processId: string, options: { overwrite: boolean }): Promise<{ outcome: Outcome; detail: string }>;
}

/**
 * What a handler gets: who asked, where, and ways to answer and act.
 *
 * @example
 * handler: async (ctx, { target }) => {
 *   await ctx.track({ verb: "ping", requests: [{ target, commandType: "ping" }] });
 * }
 */
export interface CommandContext {
  readonly user: { readonly id: number; readonly name: string };
  readonly chatId: number;
  /** The asking user's language (their Telegram `language_code`, else MISSIONCTL_LANG). */
  readonly lang: Lang;
  /** The texts of that language (src/i18n): what the built-in commands reply with. */
  readonly t: Catalog;
  /** The asking user's role (at least the command's role). */
  readonly role: Role;
  /** This command's name. */
  readonly command: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Every loaded command in /help order. */
  readonly commands: readonly CommandDefinition[];
  readonly targets: TargetsView;
  /** Where the processes meet, for people: one machine (ipc) or several hosts (the proxy, its link). */
  readonly layout: string;
  readonly monitor: MonitorView;
  /** The audit of past chat commands (/history). */
  readonly history: HistoryView;
  readonly mutes: MuteOps;
  readonly sync: SyncOps;
  /** Sends a message to the chat (split at 4096 characters), as it is: write it in `lang`. */
  reply(text: string): Promise<void>;
  /** Runs IPC requests, answering at once and editing the message as replies arrive. */
  track(spec: TrackSpec): Promise<TrackSummary>;
  /** Records targets and outcome for the audit line of a command that does not `track`. */
  record(entry: { targets?: string[]; outcome?: Outcome; detail?: string }): void;
}

/**
 * Where a command stands in /help and the command menu: `read` (read-only) first, then `control`,
 * then `other`; within a group by `order`, then by name.
 */
export type HelpGroup = "read" | "control" | "other";

/**
 * A chat command. `Args` is what its schema makes of the tokens. (Its functions are declared as
 * methods so that any command fits where a `CommandDefinition` of unknown arguments is expected.)
 *
 * @example
 * export default defineCommand({
 *   name: "hello", help: { en: "Say hello", zh: "打个招呼" }, usage: "/hello", role: "viewer",
 *   schema: noArgs,
 *   handler: async (ctx) => { await ctx.reply(ctx.lang === "zh" ? "你好！" : "Hello!"); },
 * });
 */
export interface CommandDefinition<Args = unknown> {
  /** Lower-case name without the slash (Telegram allows a-z, 0-9, _). */
  name: string;
  /**
   * One line for /help and Telegram's command menu, in every language (`{ en, zh }`); the loader
   * refuses a definition missing one. Built-in commands take theirs from the catalogs:
   * `localized((t) => t.help.exit)`.
   */
  help: Localized;
  /** The usage line shown on a validation failure: `/exit <target…> [--now]` (syntax: one for all languages). */
  usage: string;
  role: Role;
  /** Its place in /help (default `other`, order 100). */
  group?: HelpGroup;
  order?: number;
  /**
   * True when this invocation must be confirmed with buttons first. Default: an operator command
   * whose targets reach more than one process (`*`, `prefix*`, several ids); read-only never.
   */
  confirm?(args: Args): boolean;
  /** Validates the {@link CommandTokens}; issue messages are shown to the user under the usage. */
  schema: z.ZodType<Args>;
  /** Targets of this invocation, for the confirmation text, the default `confirm` and the audit. */
  targets?(args: Args): string[];
  handler(ctx: CommandContext, args: Args): Promise<void>;
}

/**
 * Identity helper that keeps `Args` inferred from the schema.
 *
 * @example
 * export default defineCommand({ name: "whoami", help: { en: "Show your id", zh: "显示你的 id" },
 *   usage: "/whoami", role: "viewer", schema: noArgs, handler: (ctx) => ctx.reply(String(ctx.user.id)) });
 */
export function defineCommand<Args>(definition: CommandDefinition<Args>): CommandDefinition<Args> {
  return definition;
}
