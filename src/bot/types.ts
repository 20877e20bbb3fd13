/**
 * The shape of a chat command (one file each in commands/) and what its handler gets.
 */
import type { z } from "zod";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { LifecycleBus } from "../events.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import type { ReplyEvent } from "../ipc/request.ts";
import type { Logger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";

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
  /** The header verb: `exit` gives "exit → mm1, mm2 …". */
  verb: string;
  requests: TrackedRequest[];
  /** Extra words after "ok, 0.8 s" for an ok reply (e.g. the state a ping returned). */
  describe?: (reply: ReplyEvent, request: TrackedRequest) => string | undefined;
  /** Lines shown above the per-process lines (e.g. /status's monitor view). */
  preamble?: string;
}

/** What a tracked command came to: overall, and per process (ok, error, accepted, or why missing). */
export interface TrackSummary {
  outcome: Outcome;
  processes: ReadonlyMap<string, "ok" | "error" | "accepted" | "not_connected" | "disconnected" | "timeout">;
}

/** How a command ended, for the audit log (`command.done`). */
export type Outcome = "ok" | "error" | "timeout" | "not_connected" | "cancelled" | "expired" | "invalid";

/** What a handler gets: who asked, where, the services, and ways to answer. */
export interface CommandContext {
  user: { id: number; name: string };
  chatId: number;
  /** The asking user's role (at least the command's role). */
  role: Role;
  command: string;
  ipc: IpcCommandSystem;
  monitor: MonitorApi;
  config: Config;
  clock: Clock;
  bus: LifecycleBus;
  log: Logger;
  /** Every loaded command, for /help. */
  commands: readonly CommandDefinition[];
  /** Sends a message to the chat (split at 4096 characters). */
  reply(text: string): Promise<void>;
  /** Runs IPC requests, answering at once and editing the message as replies arrive. */
  track(spec: TrackSpec): Promise<TrackSummary>;
  /** Records targets and outcome for the audit line of a command that does not `track`. */
  record(entry: { targets?: string[]; outcome?: Outcome; detail?: string }): void;
}

/**
 * A chat command. `Args` is what its schema makes of the tokens.
 *
 * @example
 * export default defineCommand({
 *   name: "ping", help: "Ask a process whether it is alive", usage: "/ping <target>", role: "viewer",
 *   confirm: () => false, schema: z.object(...), handler: async (ctx, args) => { ... },
 * });
 */
export interface CommandDefinition<Args = unknown> {
  /** Lower-case name without the slash (Telegram allows a-z, 0-9, _). */
  name: string;
  /** One line for /help and Telegram's command menu. */
  help: string;
  /** The usage line shown on a validation failure: `/exit <target…> [--now]`. */
  usage: string;
  role: Role;
  /** True when this invocation must be confirmed with buttons first (DESIGN §7). */
  confirm: (args: Args) => boolean;
  /** Validates the {@link CommandTokens}; issue messages are shown to the user under the usage. */
  schema: z.ZodType<Args>;
  /** Targets of this invocation, for the confirmation text and the audit log. */
  targets?: (args: Args) => string[];
  handler: (ctx: CommandContext, args: Args) => Promise<void>;
}

/** Identity helper that keeps `Args` inferred from the schema. */
export function defineCommand<Args>(definition: CommandDefinition<Args>): CommandDefinition<Args> {
  return definition;
}

/** Deps shared by the dispatcher and the handlers. */
export interface BotServices {
  ipc: IpcCommandSystem;
  monitor: MonitorApi;
  config: Config;
  clock: Clock;
  bus: LifecycleBus;
  log: Logger;
}
