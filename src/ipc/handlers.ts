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

/** How a handler is registered (IpcCommandSystem.registerHandler). */
export interface HandlerOptions {
  /**
   * False for a handler that never reads its context (the built-in ping): none is built. A context
   * carries `log` as an own getter (so that `{ ...ctx }` keeps it), and V8 defines an own accessor
   * on each new object through the runtime: about 0.8 µs per command, more than the rest of a
   * ping's handling on the receiving side.
   */
  context?: boolean;
}

/** Event types are published for observers and never answered (docs/protocol.md, events). */
const EVENT_TYPES = new Set(["heartbeat", "stopped", "crash"]);
export const isEvent = (type: string): boolean => EVENT_TYPES.has(type);

/** What {@link runHandler} needs from the command system. */
export interface HandlerDeps {
  /**
   * Encodes and publishes one reply, its payload `{ reply_to, status, result?, error? }`; may throw
   * (an oversized result) or reject (a closed transport).
   */
  reply: (status: ReplyStatus, result?: Record<string, unknown>, error?: string) => Promise<void>;
  /** Made on first use: most commands never log. */
  log: () => Logger;
}

/**
 * Runs one handler for a command not seen before and answers it (docs/protocol.md, replies):
 * `accepted` when the handler asks (once), then exactly one terminal reply — its return value as ok,
 * its throw as error. The returned promise never rejects.
 *
 * A handler that returns a plain value (ping, status, pause, …) is answered in the same tick, with
 * no promise in between: a round trip's microtask hops are a measurable part of its cost. A
 * returned promise (or thenable) is awaited first, as before.
 *
 * @example
 * await runHandler(command, (cmd, ctx) => ({ state: "sleeping" }), { reply, log: () => logger });
 */
export function runHandler(
  command: IpcCommand,
  handler: CommandHandler,
  deps: HandlerDeps,
  options: HandlerOptions = {},
): Promise<void> {
  let result: HandlerResult | Promise<HandlerResult>;
  try {
    // `{ context: false }` says the handler never reads its second argument: none is built.
    result = handler(command, options.context === false ? (undefined as never) : handlerContext(deps));
  } catch (err) {
    return replyError(err, deps);
  }
  return isThenable(result) ? replyWhenSettled(result, deps) : replyOk(result, deps);
}

/** The context of one command: `log` and `accept` are own properties, so `{ ...ctx }` keeps both. */
function handlerContext(deps: HandlerDeps): HandlerContext {
  let accepted = false;
  return {
    get log() {
      return deps.log();
    },
    accept: async (result) => {
      if (accepted) return;
      accepted = true;
      await deps.reply("accepted", result || undefined);
    },
  };
}

/** Whether `await value` would wait for it: a promise, or any object or function with a `then` method. */
function isThenable(value: unknown): value is PromiseLike<HandlerResult> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

async function replyWhenSettled(pending: PromiseLike<HandlerResult>, deps: HandlerDeps): Promise<void> {
  let result: HandlerResult;
  try {
    result = await pending;
  } catch (err) {
    return replyError(err, deps);
  }
  return replyOk(result, deps);
}

/** The ok reply; if it cannot be sent (too large, transport closed), an error reply instead. */
function replyOk(result: HandlerResult, deps: HandlerDeps): Promise<void> {
  return send(deps, "ok", result && typeof result === "object" ? result : {}).then(undefined, (err) =>
    replyError(err, deps),
  );
}

function replyError(err: unknown, deps: HandlerDeps): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  deps.log().debug({ err }, "handler failed");
  return send(deps, "error", undefined, message).catch((e) =>
    deps.log().warn({ err: e }, "could not send error reply"),
  );
}

/** `deps.reply`, with a synchronous throw turned into a rejection like the async version had. */
function send(
  deps: HandlerDeps,
  status: ReplyStatus,
  result?: Record<string, unknown>,
  error?: string,
): Promise<void> {
  try {
    return deps.reply(status, result, error);
  } catch (err) {
    return Promise.reject(err);
  }
}
