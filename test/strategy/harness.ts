import { EventEmitter } from "node:events";
import { FakeClock } from "../../src/clock.ts";
import {
  type IpcCommand,
  IpcCommandSystem,
  MemoryHub,
  MemoryTransport,
  type RequestResult,
} from "../../src/ipc/index.ts";
import { runStrategy, type StrategyHandle } from "../../src/strategy/run.ts";
import type { RuntimeOptions, StepContext, StrategyDefinition } from "../../src/strategy/types.ts";
import { flush, until } from "../helpers.ts";

/** A stand-in for `process`: signals and uncaught exceptions are emitted by the test. */
export class FakeProcess extends EventEmitter {
  readonly pid = 4242;
  exitCode: number | string | null | undefined;
  exits: (number | undefined)[] = [];
  exit(code?: number): void {
    this.exits.push(code);
  }
  hookCount(): number {
    return ["SIGTERM", "SIGINT", "uncaughtException"].reduce((n, e) => n + this.listenerCount(e), 0);
  }
}

export const STEP_MS = 1000;
export const INTERVAL_MS = 60_000;
export const HEARTBEAT_MS = 5000;

/** What the default step did. */
export interface StepLog {
  started: number;
  finished: number;
  aborted: number;
  signals: AbortSignal[];
}

/**
 * A strategy `mm1` on a FakeClock and an in-memory hub, with a `cli` command system (real clock) that
 * hears it. `events` records, in arrival order, `reply:<type>:<status>` and `event:<type>`.
 */
export async function harness(
  def: Partial<StrategyDefinition> = {},
  options: Partial<RuntimeOptions> = {},
): Promise<{
  clock: FakeClock;
  proc: FakeProcess;
  cli: IpcCommandSystem;
  strategy: StrategyHandle;
  events: string[];
  messages: IpcCommand[];
  steps: StepLog;
  send: (type: string, payload?: Record<string, unknown>) => Promise<RequestResult>;
  /** Lets in-memory deliveries and the runtime's microtasks run. */
  settle: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const hub = new MemoryHub();
  const clock = new FakeClock(1_700_000_000_000);
  const proc = new FakeProcess();
  const cli = new IpcCommandSystem({ id: "cli", transport: new MemoryTransport(hub, "cli") });
  await cli.start();
  cli.connectToProcess("mm1");
  const events: string[] = [];
  const messages: IpcCommand[] = [];
  cli.on("message", (command) => {
    messages.push(command);
    events.push(`event:${command.command_type}`);
  });
  const steps: StepLog = { started: 0, finished: 0, aborted: 0, signals: [] };
  const defaultStep = async (ctx: StepContext) => {
    steps.started++;
    steps.signals.push(ctx.signal);
    try {
      await ctx.delay(STEP_MS);
      steps.finished++;
    } catch (err) {
      steps.aborted++;
      throw err;
    }
  };
  const strategy = runStrategy(
    { id: "mm1", intervalMs: INTERVAL_MS, step: defaultStep, ...def },
    {
      transport: new MemoryTransport(hub, "mm1"),
      clock,
      process: proc,
      heartbeatMs: HEARTBEAT_MS,
      lingerMs: 0,
      forceExitDelayMs: 0,
      ...options,
    },
  );
  await strategy.started;
  await until(() => cli.isReachable("mm1"), 5000, "mm1 reachable");
  const send = (type: string, payload: Record<string, unknown> = {}) =>
    cli.request("mm1", type, payload, {
      timeoutMs: 10_000,
      onReply: (r) => events.push(`reply:${type}:${r.status}`),
    });
  const settle = () => flush(10);
  const close = async () => {
    await strategy.stop("test over", { now: true });
    await cli.stop();
  };
  await settle();
  return { clock, proc, cli, strategy, events, messages, steps, send, settle, close };
}

/** The ok result of a request's reply from mm1. */
export const resultOf = (r: RequestResult): Record<string, unknown> | undefined =>
  r.terminal.get("mm1")?.result;
export const statusOf = (r: RequestResult): string | undefined => r.terminal.get("mm1")?.status;
