import type { Clock } from "../clock.ts";
import type {
  CommandHandler,
  HandlerContext,
  IpcCommand,
  IpcCommandSystem,
  Transport,
} from "../ipc/index.ts";
import type { Logger } from "../log.ts";
import type { ProcessHost } from "./process-hooks.ts";

/** docs/protocol.md: `running` means a step is executing. */
export type StrategyState = "starting" | "running" | "sleeping" | "paused" | "stopping";

/** What a step gets: its abort signal (exit_now), a cancellable delay, a logger, the IPC. */
export interface StepContext {
  /** The strategy's process id. */
  readonly id: string;
  /** 1 for the first step, then 2, 3, ... */
  readonly step: number;
  /** Aborted by exit_now (and by a crash elsewhere): stop I/O, reject, return. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly clock: Clock;
  /** Waits `ms` on the runtime's clock; rejects with StepAbortedError when `signal` aborts. */
  delay(ms: number): Promise<void>;
  /** The strategy's command system, to publish events of its own (`ipc.sendCommand("*", "fill", {...})`). */
  readonly ipc: IpcCommandSystem;
}

/** What the runtime offers to custom command handlers and to the code that started it. */
export interface StrategyControl {
  readonly id: string;
  readonly state: StrategyState;
  /** The payload of a `status` reply. */
  status(): StrategyStatus;
  /** Stops scheduling steps (a running step finishes); heartbeats go on. */
  pause(): void;
  /** Restarts scheduling: the next step starts now. */
  resume(): void;
  /** Ends the current sleep: the next step starts now (after the running one, when one runs). */
  wake(): void;
  /**
   * Planned exit: the finish_and_exit path, or with `{ now: true }` the exit_now path. Idempotent;
   * resolves to the exit code once the process's sockets are closed.
   */
  stop(reason?: string, options?: { now?: boolean }): Promise<number>;
}

/** A custom command handler: like the IPC's, plus the strategy it runs in. */
export type StrategyCommandHandler = (
  command: IpcCommand,
  ctx: HandlerContext & { strategy: StrategyControl },
) => ReturnType<CommandHandler>;

/** The strategy an author writes. */
export interface StrategyDefinition {
  /** process_id: `^[A-Za-z0-9_-]{1,40}$`. */
  id: string;
  /** Sleep between the end of one step and the start of the next, in ms. */
  intervalMs: number;
  /** One step of work. Honour `ctx.signal` so exit_now can cut it short. */
  step: (ctx: StepContext) => unknown;
  /** Extra command types (not the built-in ones of docs/protocol.md). */
  handlers?: Record<string, StrategyCommandHandler>;
  /** A step that throws: `crash` (default: crash event, exit 1) or `retry` (log it, try again next interval). */
  onStepError?: "crash" | "retry";
}

/** How the runtime is wired: transport, schedule, clock, process. All optional. */
export interface RuntimeOptions {
  /** A command system to use (started or not); the runtime owns it from now on and stops it at exit. */
  ipc?: IpcCommandSystem;
  /** Without `ipc`: the transport for a new command system (default: ZeroMQ ipc under `ipcDir`). */
  transport?: Transport;
  /** IPC_DIR for the default ZeroMQ transport (default `/tmp/missionctl`). */
  ipcDir?: string;
  /**
   * Processes whose commands this strategy hears; `id=tcp://...` allowed. Default: the bot named by
   * MISSIONCTL_ID (`chatops` unless set) and `cli`, like `missionctl strategy`.
   */
  hear?: string[];
  /** Heartbeat interval in ms (default 5000). */
  heartbeatMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** After exit_now, how long a step that ignores its AbortSignal may run before it is abandoned (default 5000). */
  abortGraceMs?: number;
  /** How long the sockets stay open after the last frame (`stopped`, the final ok) is queued (default 200). */
  lingerMs?: number;
  /**
   * The process to hook: SIGTERM/SIGINT take the finish_and_exit path (a second signal the exit_now
   * path), an uncaught exception becomes a `crash`, and `exitCode` is set at the end. Default: the
   * real `process`; `false` for none (tests, several strategies in one process).
   */
  process?: ProcessHost | false;
  /**
   * Only after an abandoned step or an uncaught exception: if the process is still alive this long
   * after the sockets closed, `process.exit(code)` is called (an unref'd timer; default 1000 ms).
   */
  forceExitDelayMs?: number;
}

/** The `status` reply (docs/protocol.md) plus two extras that receivers may ignore. */
export interface StrategyStatus {
  [key: string]: unknown;
  state: StrategyState;
  /** Number of steps started so far. */
  step: number;
  /** Duration of the last finished step; null before the first one ends. */
  last_step_ms: number | null;
  /** Whole seconds since the runtime started. */
  uptime_s: number;
  /** Epoch ms at which the next step starts, while sleeping. */
  next_step_at?: number;
  paused: boolean;
  /** Steps that threw and were retried (`onStepError: "retry"`). */
  step_errors: number;
}

/** How the runtime ended, as `stopped` / `crash` and the final ok report it. */
export interface StopOutcome {
  reason: string;
  exitCode: number;
  /** exit_now met a step that ignored its signal for the whole grace period. */
  stepAbandoned: boolean;
  crash?: { error: string; stack?: string; during: "step" | "uncaught" | "start" };
}
