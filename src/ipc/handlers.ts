import type { Logger } from "../log.ts";
import type { IpcCommand, ReplyStatus } from "./codec.ts";

/** What a handler gets besides the command. */
export interface HandlerContext {
  /** Sends the interim `accepted` reply now (docs/protocol.md); the handler's return is the terminal one. */
  accept(result?: Record<string, unknown>): Promise<void>;
  log: Logger;
}

/** Returns the `result` of an ok reply (an object, or nothing); a throw becomes an error reply. */
export type CommandHandler = (
  command: IpcCommand,
  ctx: HandlerContext,
) => HandlerResult | Promise<HandlerResult>;

/** What a handler returns: the ok reply's `result`, or nothing for an empty one. */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers that return nothing are typed `void`.
export type HandlerResult = Record<string, unknown> | undefined | void;

/** Event types are published for observers and never answered (docs/protocol.md, events). */
const EVENT_TYPES = new Set(["heartbeat", "stopped", "crash"]);
export const isEvent = (type: string): boolean => EVENT_TYPES.has(type);

/**
 * Runs one handler for a command not seen before and answers it (docs/protocol.md, replies):
 * `accepted` when the handler asks (once), then exactly one terminal reply — its return value as ok,
 * its throw as error.
 *
 * @example
 * await runHandler(command, (cmd, ctx) => ({ state: "sleeping" }), { reply, log: () => logger });
 */
export async function runHandler(
  command: IpcCommand,
  handler: CommandHandler,
  deps: {
    reply: (status: ReplyStatus, extra: Record<string, unknown>) => Promise<void>;
    /** Made on first use: most commands never log. */
    log: () => Logger;
  },
): Promise<void> {
  let accepted = false;
  const ctx: HandlerContext = {
    get log() {
      return deps.log();
    },
    accept: async (result) => {
      if (accepted) return;
      accepted = true;
      await deps.reply("accepted", result ? { result } : {});
    },
  };
  try {
    const result = await handler(command, ctx);
    await deps.reply("ok", { result: result && typeof result === "object" ? result : {} });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log().debug({ err }, "handler failed");
    await deps
      .reply("error", { error: message })
      .catch((e) => deps.log().warn({ err: e }, "could not send error reply"));
  }
}
