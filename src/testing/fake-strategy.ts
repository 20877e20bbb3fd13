/**
 * A scripted strategy on the in-memory transport: it answers the DESIGN §4 commands with plain
 * defaults (override any of them, or add types, with a handler map), publishes heartbeats when
 * asked, and can exit, crash or just die, so bot tests can drive every path without timing games.
 */
import type { IpcCommand } from "../ipc/codec.ts";
import { type CommandHandler, IpcCommandSystem } from "../ipc/command-system.ts";
import { type MemoryHub, MemoryTransport } from "../ipc/memory-transport.ts";

/** What a fake handler gets: the command, and `accept()` for the interim reply. */
export interface FakeHandlerContext {
  command: IpcCommand;
  accept(): Promise<void>;
  strategy: FakeStrategy;
}

/**
 * Returns (or resolves to) the ok reply's result object; anything else means an empty result.
 * Throwing sends an error reply with the message.
 */
export type FakeHandler = (payload: Record<string, unknown>, ctx: FakeHandlerContext) => unknown;

export interface FakeStrategyOptions {
  /** Processes whose commands it hears (default: the bot only). */
  hear?: string[];
  /** Initial `state` (default "sleeping"). */
  state?: string;
}

/**
 * A fake strategy process. Prefer {@link BotHarness.addStrategy}, which also makes the bot hear it.
 *
 * @example
 * const mm1 = await FakeStrategy.start(hub, "mm1", { ping: () => ({ state: "busy" }) }, { hear: ["chatops"] });
 * await mm1.heartbeat();
 * await mm1.kill(); // looks like a crash of the process: its sockets vanish
 */
export class FakeStrategy {
  state: string;
  /** Every command it received (not events), in order. */
  readonly received: IpcCommand[] = [];
  #seq = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #startedAt = Date.now();
  #closed = false;

  private constructor(
    readonly id: string,
    readonly ipc: IpcCommandSystem,
    options: FakeStrategyOptions,
  ) {
    this.state = options.state ?? "sleeping";
  }

  static async start(
    hub: MemoryHub,
    id: string,
    handlers: Record<string, FakeHandler> = {},
    options: FakeStrategyOptions = {},
  ): Promise<FakeStrategy> {
    const ipc = new IpcCommandSystem({ id, transport: new MemoryTransport(hub, id) });
    const strategy = new FakeStrategy(id, ipc, options);
    const all = { ...strategy.#defaults(), ...handlers };
    for (const [type, handler] of Object.entries(all)) {
      ipc.registerHandler(type, (command, ctx) => {
        strategy.received.push(command);
        return handler(command.payload, {
          command,
          accept: () => ctx.accept(),
          strategy,
        }) as ReturnType<CommandHandler>;
      });
    }
    await ipc.start();
    for (const peer of options.hear ?? ["chatops"]) ipc.connectToProcess(peer);
    return strategy;
  }

  #defaults(): Record<string, FakeHandler> {
    const state = () => ({ state: this.state });
    const exit = (reason: string) => async (_p: Record<string, unknown>, ctx: FakeHandlerContext) => {
      await ctx.accept();
      this.state = "stopping";
      // After the ok reply has left: announce the planned stop, then go away.
      setTimeout(() => void this.exit(reason), 20);
      return { state: "stopping" };
    };
    return {
      ping: state,
      status: () => ({
        state: this.state,
        step: this.#seq,
        last_step_ms: null,
        uptime_s: Math.floor((Date.now() - this.#startedAt) / 1000),
      }),
      pause: () => {
        this.state = "paused";
        return state();
      },
      resume: () => {
        this.state = "sleeping";
        return state();
      },
      wake: () => {
        if (this.state === "sleeping") this.state = "running";
        return state();
      },
      finish_and_exit: exit("finish_and_exit"),
      exit_now: exit("exit_now"),
    };
  }

  /** Publishes one heartbeat event (DESIGN §4). */
  async heartbeat(intervalMs = 5000): Promise<void> {
    await this.ipc.broadcast("heartbeat", {
      state: this.state,
      pid: process.pid,
      uptime_s: Math.floor((Date.now() - this.#startedAt) / 1000),
      interval_ms: intervalMs,
      seq: ++this.#seq,
    });
  }

  /** Publishes heartbeats every `intervalMs` until stopped (real timers). */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    void this.heartbeat(intervalMs);
    this.#timer = setInterval(() => void this.heartbeat(intervalMs).catch(() => {}), intervalMs);
  }

  stopHeartbeats(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A planned exit: `stopped` event, then the sockets close. */
  async exit(reason = "finish_and_exit", exitCode = 0): Promise<void> {
    if (this.#closed) return;
    this.stopHeartbeats();
    await this.ipc.broadcast("stopped", { reason, exit_code: exitCode }).catch(() => {});
    await this.kill();
  }

  /** A crash: `crash` event, then the sockets close. */
  async crash(error = "boom"): Promise<void> {
    if (this.#closed) return;
    this.stopHeartbeats();
    await this.ipc.broadcast("crash", { error }).catch(() => {});
    await this.kill();
  }

  /** A sudden death (kill -9): the sockets vanish without a word. */
  async kill(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stopHeartbeats();
    await this.ipc.stop();
  }

  get closed(): boolean {
    return this.#closed;
  }
}
