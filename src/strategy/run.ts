import { StrategyRuntime } from "./runtime.ts";
import type { RuntimeOptions, StrategyControl, StrategyDefinition } from "./types.ts";

/** What {@link runStrategy} returns: the controls plus the promises of its life. */
export interface StrategyHandle extends StrategyControl {
  /** Resolves to the exit code (0 planned, 1 crash) once the sockets are closed. Never rejects. */
  readonly done: Promise<number>;
  /** Resolves true when the publisher is bound and the loop runs, false if it never started. */
  readonly started: Promise<boolean>;
  readonly ipc: StrategyRuntime["ipc"];
}

/**
 * Runs a strategy: binds its publisher at the ipc command address, hears the bot (MISSIONCTL_ID,
 * `chatops` unless set) and `cli`, and
 * loops step → sleep `intervalMs`, answering the built-in commands of docs/protocol.md (ping,
 * status, finish_and_exit, exit_now, pause, resume, wake) at any moment, with heartbeats, `stopped`
 * and `crash` events.
 * By default it hooks the real process (SIGTERM/SIGINT → finish_and_exit path; uncaught → crash)
 * and sets `process.exitCode`, so a script needs nothing more than this call.
 *
 * @example
 * const mm1 = runStrategy(
 *   { id: "mm1", intervalMs: 15 * 60_000, step: async (ctx) => { await quote(ctx.signal); } },
 *   { ipcDir: "/tmp/missionctl" },
 * );
 * await mm1.done; // after /exit mm1: exit code 0, the process ends by itself
 */
export function runStrategy(definition: StrategyDefinition, options: RuntimeOptions = {}): StrategyHandle {
  return new StrategyRuntime(definition, options).start();
}
