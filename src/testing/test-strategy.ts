/**
 * A strategy for bot tests that is the real thing: the strategy runtime ({@link runStrategy}) on
 * the harness's in-memory network and clock, with the process hooks off. Its replies, their order
 * (accepted → stopped → ok), its heartbeats and its states are the ones a deployed strategy has;
 * tests only choose its step, add command types, and make it die.
 */
import { EventEmitter } from "node:events";
import type { Clock } from "../clock.ts";
import { MissionctlError } from "../errors.ts";
import type { IpcCommand } from "../ipc/codec.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { isEvent } from "../ipc/handlers.ts";
import { type MemoryHub, MemoryTransport } from "../ipc/memory-transport.ts";
import type { Logger } from "../log.ts";
import { BUILTIN_COMMANDS } from "../strategy/commands.ts";
import { runStrategy, type StrategyHandle } from "../strategy/run.ts";
import type { StepContext, StrategyCommandHandler, StrategyState } from "../strategy/types.ts";

/** How a test strategy is built; everything is optional. */
export interface TestStrategyOptions {
  /**
   * One step of work (default: none). The first step runs at start, then one per `intervalMs`. For a
   * strategy that is busy (`running`) until exit_now, use `(ctx) => ctx.delay(Number.POSITIVE_INFINITY)`.
   */
  step?: (ctx: StepContext) => unknown;
  /** Sleep between steps (default an hour: after its instant first step it sleeps until a command). */
  intervalMs?: number;
  /** Heartbeat interval on the harness clock (default 5000, the runtime's). Advance a FakeClock to see more. */
  heartbeatMs?: number;
  /** Processes whose commands it hears (default: the bot only). */
  hear?: string[];
}

export interface TestStrategyEvents {
  /** It received a command (not an event); also in {@link TestStrategy.received}. */
  command: [command: IpcCommand];
  /** One of its steps began (`n` = 1, 2, ...). */
  step: [n: number];
}

/** The error a {@link TestStrategy.crash} throws in the step when given a text. */
export class SimulatedCrashError extends MissionctlError<"SIMULATED_CRASH"> {
  override name = "SimulatedCrashError";
  constructor(message: string) {
    super("SIMULATED_CRASH", message);
  }
}

const BUILTIN = new Set<string>(BUILTIN_COMMANDS);

/**
 * A strategy runtime for bot tests. Prefer {@link BotHarness.addStrategy}, which also makes the
 * bot hear it and waits until both directions are connected.
 *
 * Handlers are `StrategyDefinition.handlers`. A handler for a built-in type (ping, status,
 * finish_and_exit, exit_now, pause, resume, wake) replaces the runtime's answer, to script a
 * process that behaves otherwise (one that refuses to exit or never answers status, as a strategy
 * in another language might).
 *
 * @example
 * const mm1 = TestStrategy.start(hub, "mm1", { quotes: () => ({ quotes: 3 }) }, { clock, hear: ["chatops"] });
 * await mm1.runtime.started;
 * await mm1.kill(); // like kill -9: its sockets vanish, no `stopped`
 */
export class TestStrategy extends EventEmitter<TestStrategyEvents> {
  /** The real runtime: `state`, `status()`, `pause()`, `resume()`, `wake()`, `stop()`, `done`, `ipc`. */
  readonly runtime: StrategyHandle;
  /** Every command it received (not events, not re-sends it answered from memory), in order. */
  readonly received: IpcCommand[] = [];
  #steps = 0;
  #crash: Error | undefined;
  #failStep: ((error: Error) => void) | undefined;

  private constructor(
    readonly id: string,
    handlers: Record<string, StrategyCommandHandler>,
    options: TestStrategyOptions & { hub: MemoryHub; clock?: Clock; logger?: Logger },
  ) {
    super();
    const custom = Object.entries(handlers).filter(([type]) => !BUILTIN.has(type));
    const step = options.step ?? (() => {});
    this.runtime = runStrategy(
      {
        id,
        intervalMs: options.intervalMs ?? 3_600_000,
        step: (ctx) => this.#runStep(ctx, step),
        handlers: Object.fromEntries(custom),
      },
      {
        transport: new MemoryTransport(options.hub, id),
        process: false,
        hear: options.hear ?? ["chatops"],
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      },
    );
    // runStrategy registered the built-ins synchronously and receives nothing before its first
    // await, so these replace them before any command can arrive.
    for (const [type, handler] of Object.entries(handlers)) {
      if (!BUILTIN.has(type)) continue;
      this.runtime.ipc.registerHandler(type, (command, ctx) =>
        handler(command, { ...ctx, strategy: this.runtime }),
      );
    }
    this.runtime.ipc.on("message", (command) => {
      if (isEvent(command.command_type)) return;
      this.received.push(command);
      this.emit("command", command);
    });
  }

  /**
   * Starts a test strategy on `hub` (not yet heard by anyone: see {@link BotHarness.addStrategy}).
   *
   * @example
   * const mm1 = TestStrategy.start(hub, "mm1", {}, { hear: ["chatops"] });
   */
  static start(
    hub: MemoryHub,
    id: string,
    handlers: Record<string, StrategyCommandHandler> = {},
    options: TestStrategyOptions & { clock?: Clock; logger?: Logger } = {},
  ): TestStrategy {
    return new TestStrategy(id, handlers, { ...options, hub });
  }

  /** Its command system (to listen to its traffic, or publish events of its own). */
  get ipc(): IpcCommandSystem {
    return this.runtime.ipc;
  }

  get state(): StrategyState {
    return this.runtime.state;
  }

  /** Steps begun so far. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * A sudden death (kill -9): its sockets close at once, so the bot sees it unsubscribe, and no
   * `stopped` is published. The runtime is then stopped to end its timers; it finds its IPC closed
   * and publishes nothing.
   */
  async kill(): Promise<void> {
    await this.runtime.ipc.stop();
    // Not awaited: a step that ignores its AbortSignal would hold this for the abort grace.
    void this.runtime.stop("killed", { now: true });
  }

  /**
   * A crash: the running step (or, when it sleeps, a step started now) throws `error`, which is the
   * runtime's crash path: a `crash` event `{ error, stack, during: "step" }`, then exit code 1.
   * Resolves to the exit code once its sockets are closed.
   *
   * @example
   * expect(await mm1.crash("Error: boom")).toBe(1); // the alert reads "🔴 mm1 crashed: Error: boom"
   */
  crash(error: Error | string = "boom"): Promise<number> {
    const err = typeof error === "string" ? new SimulatedCrashError(error) : error;
    this.#crash ??= err;
    if (this.#failStep) this.#failStep(err);
    else {
      this.runtime.resume();
      this.runtime.wake();
    }
    return this.runtime.done;
  }

  async #runStep(ctx: StepContext, step: (ctx: StepContext) => unknown): Promise<unknown> {
    this.emit("step", ++this.#steps);
    if (this.#crash) throw this.#crash;
    // A crash requested while the step runs ends it at once, as an uncaught throw in it would.
    const crashed = new Promise<never>((_, reject) => {
      this.#failStep = reject;
    });
    try {
      return await Promise.race([step(ctx), crashed]);
    } finally {
      this.#failStep = undefined;
    }
  }
}
