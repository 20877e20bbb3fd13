import { type Clock, systemClock } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { type IpcCommandSystem, ZmqTransport } from "../ipc/index.ts";
import { type Logger, silentLogger } from "../log.ts";
import {
  type CommandTarget,
  exitEvent,
  registerBuiltinCommands,
  registerCustomCommands,
} from "./commands.ts";
import { StrategyError } from "./errors.ts";
import { Heartbeat } from "./heartbeat.ts";
import { createStrategyIpc, errorMessage, hearOrDefault, stackOf, validateStrategy } from "./options.ts";
import { installProcessHooks, type ProcessHost, scheduleForcedExit } from "./process-hooks.ts";
import { lazyStepLogger, stepContext } from "./step-context.ts";
import { type StepOutcome, StepRun } from "./step-run.ts";
import { StepSchedule } from "./step-schedule.ts";
import type {
  RuntimeOptions,
  StopOutcome,
  StrategyDefinition,
  StrategyState,
  StrategyStatus,
} from "./types.ts";

/**
 * The strategy loop: step, sleep `intervalMs`, repeat, with every built-in command (docs/protocol.md)
 * answered at any moment. It is event-driven end to end: the sleep is one timer and one promise ({@link StepSchedule}), a
 * command interrupts it directly, a running step learns of exit_now through its AbortSignal, and
 * nothing polls. Use {@link runStrategy} rather than this class directly.
 *
 * @example
 * const rt = new StrategyRuntime({ id: "mm1", intervalMs: 60_000, step: (ctx) => ctx.delay(100) }).start();
 * process.exitCode = await rt.done;
 */
export class StrategyRuntime implements CommandTarget {
  readonly id: string;
  readonly ipc: IpcCommandSystem;
  /** Resolves to the exit code once the sockets are closed: 0 after a planned exit, 1 after a crash. */
  readonly done: Promise<number>;
  /** Resolves true once the publisher is bound and the loop runs; false if it could not start. */
  readonly started: Promise<boolean>;
  readonly #def: StrategyDefinition;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #schedule: StepSchedule;
  readonly #heartbeat: Heartbeat;
  readonly #host: ProcessHost | undefined;
  readonly #hear: string[];
  readonly #graceMs: number;
  readonly #lingerMs: number;
  readonly #forceExitDelayMs: number;
  readonly #startedAt: number;
  #resolveDone!: (code: number) => void;
  #resolveStarted!: (ok: boolean) => void;
  #resolveStopped!: (outcome: StopOutcome) => void;
  readonly #stopped: Promise<StopOutcome>;
  #phase: "new" | "starting" | "looping" | "finishing" = "new";
  #steps = 0;
  #lastStepMs: number | null = null;
  #stepErrors = 0;
  #run?: StepRun;
  #stop?: { reason: string; mode: "finish" | "now" };
  #crash?: NonNullable<StopOutcome["crash"]>;
  #abandoned = false;
  #forceExit = false;
  #unhook?: () => void;

  constructor(definition: StrategyDefinition, options: RuntimeOptions = {}) {
    validateStrategy(definition, options);
    this.#def = definition;
    this.id = definition.id;
    this.#clock = options.clock ?? systemClock;
    const root = options.logger ?? silentLogger;
    this.#log = root.child({ module: "strategy", strategy: this.id });
    this.#host = options.process === false ? undefined : (options.process ?? process);
    this.#hear = hearOrDefault(options.hear);
    this.#graceMs = options.abortGraceMs ?? 5000;
    this.#lingerMs = options.lingerMs ?? 200;
    this.#forceExitDelayMs = options.forceExitDelayMs ?? 1000;
    this.#startedAt = this.#clock.now();
    this.ipc = createStrategyIpc(this.id, options, this.#clock, root);
    this.#schedule = new StepSchedule(this.#clock);
    this.#heartbeat = new Heartbeat({
      clock: this.#clock,
      intervalMs: options.heartbeatMs ?? DEFAULTS.HEARTBEAT_INTERVAL_MS,
      log: this.#log,
      snapshot: () => ({ state: this.state, pid: this.#host?.pid ?? process.pid, uptime_s: this.#uptimeS() }),
      publish: (payload) => this.ipc.sendCommand("*", "heartbeat", payload),
    });
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    this.started = new Promise((resolve) => {
      this.#resolveStarted = resolve;
    });
    this.#stopped = new Promise((resolve) => {
      this.#resolveStopped = resolve;
    });
    registerBuiltinCommands(this.ipc, this);
    registerCustomCommands(this.ipc, this, definition.handlers ?? {});
  }

  /** Binds the publisher, hears `hear`, hooks the process, starts heartbeats and the loop. Returns `this`. */
  start(): this {
    if (this.#phase !== "new") return this;
    this.#phase = "starting";
    void this.#main();
    return this;
  }

  get state(): StrategyState {
    return this.#stop || this.#crash || this.#phase === "finishing" ? "stopping" : this.#schedule.state;
  }

  status(): StrategyStatus {
    const nextStepAt = this.#stop ? undefined : this.#schedule.nextStepAt;
    return {
      state: this.state,
      step: this.#steps,
      last_step_ms: this.#lastStepMs,
      uptime_s: this.#uptimeS(),
      ...(nextStepAt !== undefined ? { next_step_at: nextStepAt } : {}),
      paused: this.#schedule.paused,
      step_errors: this.#stepErrors,
    };
  }

  pause(): void {
    if (this.#schedule.paused || this.state === "stopping") return;
    this.#schedule.pause();
    this.#log.info("paused");
  }

  resume(): void {
    if (!this.#schedule.paused || this.state === "stopping") return;
    this.#schedule.resume();
    this.#log.info("resumed");
  }

  wake(): void {
    if (this.state === "stopping") return;
    this.#schedule.wake();
  }

  stop(reason = "stop", options: { now?: boolean } = {}): Promise<number> {
    void this.requestStop(reason, options.now ? "now" : "finish");
    return this.done;
  }

  requestStop(reason: string, mode: "finish" | "now"): Promise<StopOutcome> {
    if (this.#phase === "finishing") return this.#stopped;
    if (!this.#stop || (mode === "now" && this.#stop.mode === "finish")) {
      this.#log.info({ reason, mode, escalated: this.#stop !== undefined }, "stop requested");
      this.#stop = { reason, mode };
    }
    this.#schedule.interrupt();
    if (this.#stop.mode === "now") this.#run?.abort(this.#stop.reason);
    if (this.#phase === "new") void this.#finish();
    return this.#stopped;
  }

  async #main(): Promise<void> {
    try {
      if (!this.ipc.started) await this.ipc.start();
    } catch (cause) {
      const err = new StrategyError("START_FAILED", `start failed: ${errorMessage(cause)}`, { cause });
      this.#log.error({ err }, "could not start the command system");
      this.#crash = { error: err.message, during: "start" };
      this.#resolveStarted(false);
      return this.#finish();
    }
    // A heard process that starts later (the usual `cli`: `missionctl send`) is dialled as soon as
    // its socket file appears, not at libzmq's next reconnect attempt (up to 500 ms later).
    if (this.ipc.transport instanceof ZmqTransport) this.ipc.transport.dialPeersOnAppearance();
    for (const peer of this.#hear) this.ipc.connectToProcess(peer);
    if (this.#host) {
      this.#unhook = installProcessHooks(this.#host, {
        signal: (name, count) => void this.requestStop(name, count > 1 ? "now" : "finish"),
        uncaught: (err) => this.#onUncaught(err),
      });
    }
    this.#phase = "looping";
    this.#heartbeat.start();
    this.#log.info({ address: this.ipc.transport.address, hear: this.#hear }, "strategy started");
    this.#resolveStarted(true);
    try {
      await this.#loop();
    } catch (err) {
      this.#crash ??= { error: errorMessage(err), ...stackOf(err), during: "step" };
    }
    await this.#finish();
  }

  async #loop(): Promise<void> {
    while (!this.#stop && !this.#crash) {
      if (this.#schedule.paused) {
        await this.#schedule.pausedWait();
        continue;
      }
      const outcome = await this.#step();
      if (outcome.kind === "abandoned") this.#abandoned = true;
      if (outcome.kind === "failed") {
        if (this.#def.onStepError !== "retry") {
          this.#crash ??= { error: errorMessage(outcome.error), ...stackOf(outcome.error), during: "step" };
          this.#log.error({ err: outcome.error, step: this.#steps }, "step failed: crashing");
          return;
        }
        this.#stepErrors++;
        this.#log.error({ err: outcome.error, step: this.#steps }, "step failed: retrying next interval");
      }
      if (this.#stop || this.#crash || this.#schedule.paused) continue;
      if (this.#schedule.takeWake()) continue; // woken while the step ran: no sleep
      await this.#schedule.sleep(this.#def.intervalMs);
    }
  }

  async #step(): Promise<StepOutcome> {
    this.#schedule.stepStarts();
    const step = ++this.#steps;
    const log = lazyStepLogger(this.#log, step);
    const run = new StepRun(
      (signal) =>
        this.#def.step(stepContext({ id: this.id, step, signal, log, clock: this.#clock, ipc: this.ipc })),
      this.#clock,
      this.#graceMs,
    );
    this.#run = run;
    const outcome = await run.outcome;
    this.#run = undefined;
    this.#lastStepMs = outcome.ms;
    if (this.#log.isLevelEnabled("debug"))
      log().debug({ outcome: outcome.kind, ms: outcome.ms }, "step ended");
    if (outcome.kind === "abandoned")
      log().warn({ graceMs: this.#graceMs }, "step ignored its AbortSignal: abandoned");
    return outcome;
  }

  #onUncaught(err: unknown): void {
    this.#log.fatal({ err }, "uncaught exception");
    if (this.#phase === "finishing") return;
    this.#crash ??= { error: errorMessage(err), ...stackOf(err), during: "uncaught" };
    this.#forceExit = true;
    this.#schedule.interrupt();
    this.#run?.abort("crash");
  }

  /** Publishes `stopped` or `crash`, lets the final ok replies go, closes the sockets, resolves `done`. */
  async #finish(): Promise<void> {
    if (this.#phase === "finishing") return;
    this.#phase = "finishing";
    this.#heartbeat.stop();
    this.#schedule.interrupt();
    const exitCode = this.#crash ? 1 : 0;
    const outcome: StopOutcome = {
      reason: this.#crash ? "crash" : (this.#stop?.reason ?? "stop"),
      exitCode,
      stepAbandoned: this.#abandoned,
      ...(this.#crash ? { crash: this.#crash } : {}),
    };
    if (this.ipc.started) {
      const [type, payload] = exitEvent(outcome, this.#graceMs);
      await this.ipc
        .sendCommand("*", type, payload)
        .catch((err) => this.#log.warn({ err }, `${type} not sent`));
    }
    this.#log.info({ reason: outcome.reason, exitCode, stepAbandoned: this.#abandoned }, "strategy stopping");
    this.#resolveStopped(outcome);
    // The handlers awaiting `stopped` queue their ok replies in the microtasks that follow; one macrotask
    // later they are all in the publisher's queue, ahead of the close.
    await new Promise((resolve) => setImmediate(resolve));
    await this.ipc
      .stop({ lingerMs: this.#lingerMs })
      .catch((err) => this.#log.warn({ err }, "ipc stop failed"));
    this.#unhook?.();
    this.#resolveStarted(false);
    if (this.#host) {
      this.#host.exitCode = exitCode;
      if (this.#forceExit || this.#abandoned)
        scheduleForcedExit(this.#host, exitCode, this.#forceExitDelayMs);
    }
    this.#resolveDone(exitCode);
  }

  #uptimeS(): number {
    return Math.floor((this.#clock.now() - this.#startedAt) / 1000);
  }
}
