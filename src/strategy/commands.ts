import type { IpcCommandSystem } from "../ipc/index.ts";
import { StrategyError } from "./errors.ts";
import type { StopOutcome, StrategyCommandHandler, StrategyControl } from "./types.ts";

/** The built-in command types every strategy answers (docs/protocol.md). */
export const BUILTIN_COMMANDS = [
  "ping",
  "status",
  "finish_and_exit",
  "exit_now",
  "pause",
  "resume",
  "wake",
] as const;

/** Types a custom handler may not take: the built-ins, the events, and replies. */
const RESERVED = new Set<string>([...BUILTIN_COMMANDS, "heartbeat", "stopped", "crash", "reply"]);

/** What the built-in handlers need from the runtime. */
export interface CommandTarget extends StrategyControl {
  /** Starts (or escalates) a planned exit; resolves once `stopped` (or `crash`) is published. */
  requestStop(reason: string, mode: "finish" | "now"): Promise<StopOutcome>;
}

/** The result of the final ok of finish_and_exit / exit_now; a crash becomes an error reply instead. */
export function stopReplyResult(outcome: StopOutcome): Record<string, unknown> {
  if (outcome.crash) throw new Error(`strategy crashed while stopping: ${outcome.crash.error}`);
  return {
    state: "stopping",
    reason: outcome.reason,
    exit_code: outcome.exitCode,
    ...(outcome.stepAbandoned ? { step_abandoned: true } : {}),
  };
}

/**
 * The event published before exit: `crash` { error, stack?, during } or `stopped` { reason, exit_code,
 * step_abandoned?, detail? }.
 *
 * @example
 * const [type, payload] = exitEvent({ reason: "exit_now", exitCode: 0, stepAbandoned: false }, 5000);
 */
export function exitEvent(outcome: StopOutcome, graceMs: number): [string, Record<string, unknown>] {
  if (outcome.crash) return ["crash", { ...outcome.crash }];
  const abandoned = outcome.stepAbandoned
    ? { step_abandoned: true, detail: `step ignored its AbortSignal; abandoned after ${graceMs} ms` }
    : {};
  return ["stopped", { reason: outcome.reason, exit_code: outcome.exitCode, ...abandoned }];
}

/**
 * Registers ping, status, finish_and_exit, exit_now, pause, resume and wake (docs/protocol.md) on `ipc`.
 * finish_and_exit and exit_now end the sleep and queue their `accepted` in one synchronous run, so
 * the order on the wire is accepted → stopped → ok.
 *
 * @example
 * registerBuiltinCommands(ipc, runtime);
 */
export function registerBuiltinCommands(ipc: IpcCommandSystem, target: CommandTarget): void {
  const notStopping = (what: string): void => {
    if (target.state === "stopping")
      throw new StrategyError("STOPPING", `${target.id} is stopping; ${what} ignored`);
  };
  // The handlers that never read their context say so: building one costs more than a ping's answer.
  const noContext = { context: false } as const;
  ipc.registerHandler("ping", () => ({ state: target.state }), noContext);
  ipc.registerHandler("status", () => target.status(), noContext);
  for (const [type, mode] of [
    ["finish_and_exit", "finish"],
    ["exit_now", "now"],
  ] as const) {
    ipc.registerHandler(type, async (_command, ctx) => {
      // The sleep ends first (nothing to encode on that path), then `accepted` is queued in the same
      // tick: the loop only resumes in a later microtask, so `stopped` still leaves after `accepted`.
      const outcome = target.requestStop(type, mode);
      const accepted = ctx.accept();
      await accepted;
      return stopReplyResult(await outcome);
    });
  }
  for (const [type, act] of [
    ["pause", () => target.pause()],
    ["resume", () => target.resume()],
    ["wake", () => target.wake()],
  ] as const) {
    ipc.registerHandler(
      type,
      () => {
        notStopping(type);
        act();
        return { state: target.state };
      },
      noContext,
    );
  }
}

/**
 * Registers an author's extra command types; a built-in or event type is refused.
 *
 * @example
 * registerCustomCommands(ipc, runtime, { set_spread: (cmd) => { spread = Number(cmd.payload.bps); return { spread }; } });
 */
export function registerCustomCommands(
  ipc: IpcCommandSystem,
  strategy: StrategyControl,
  handlers: Record<string, StrategyCommandHandler>,
): void {
  for (const [type, handler] of Object.entries(handlers)) {
    if (RESERVED.has(type)) {
      throw new StrategyError(
        "RESERVED_COMMAND",
        `"${type}" is a built-in type; a strategy cannot handle it`,
        {
          type,
        },
      );
    }
    ipc.registerHandler(type, (command, ctx) => handler(command, { ...ctx, strategy }));
  }
}
