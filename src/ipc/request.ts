import { backoffDelay } from "../backoff.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import type { IpcCommand, ReplyPayload, ReplyStatus } from "./codec.ts";
import { IpcError } from "./errors.ts";
import { isGroupTarget } from "./ids.ts";

/** One reply as a requester sees it. */
export interface ReplyEvent {
  from: string;
  status: ReplyStatus;
  result?: Record<string, unknown>;
  error?: string;
  /** Milliseconds from the first publish to this reply. */
  elapsedMs: number;
  reply: IpcCommand;
}

/** Why a process gave no terminal reply. */
export type MissingReason = "not_connected" | "disconnected" | "timeout";

/** What a request ended with. */
export interface RequestResult {
  command: IpcCommand;
  /** Processes whose terminal reply was expected: present targets at send time plus any that answered. */
  expected: string[];
  /** Terminal replies (ok or error) by process id. */
  terminal: Map<string, ReplyEvent>;
  /** Processes with an interim `accepted` and no terminal reply. */
  acceptedOnly: string[];
  /** Expected processes without a terminal reply, and why. */
  missing: Map<string, MissingReason>;
  /** How many times the same frame was published (1 = no re-send). */
  sends: number;
  /** True when every expected process answered ok (and, for a unicast, its target did). */
  ok: boolean;
}

export interface RequestOptions {
  /** Overall bound for terminal replies (default 10 000 ms). */
  timeoutMs?: number;
  /** Cancels the request; the promise rejects with an `ABORTED` IpcError. */
  signal?: AbortSignal;
  /** How long a unicast waits for its target to connect before "not connected" (default 1500 ms). */
  joinWindowMs?: number;
  /** For a group target with no process present: how long to wait for spontaneous answers. */
  emptyGroupWaitMs?: number;
  /** How long a process that disconnected mid-request may still deliver its reply (default 300 ms). */
  settleMs?: number;
  /** Called for every reply as it arrives (interim and terminal). */
  onReply?: (reply: ReplyEvent) => void;
  /** Called once the command is first published, with its command_id. */
  onSent?: (command: IpcCommand, expected: string[]) => void;
}

/** What a pending request needs from the command system. */
export interface RequestHost {
  clock: Clock;
  /** A frame as bytes or as its text (src/ipc/codec.ts, encodeFrameText). */
  publish(frame: Buffer | string): Promise<void>;
  /** Presence and link both up: the target hears us and we hear it. */
  reachable(id: string): boolean;
  present(target: string): string[];
}

/** Re-sends of an unanswered command: after 100 ms, then doubling up to every 3.2 s. */
const RESEND_BACKOFF = { baseMs: 100, maxMs: 3200 };

/**
 * The state of one request in flight: join window, re-sends on a backoff (same command_id), the
 * replies by process, and the overall timeout. Owns every timer and listener it creates and
 * releases them all when it settles.
 */
export class PendingRequest {
  readonly promise: Promise<RequestResult>;
  #resolve!: (r: RequestResult) => void;
  #reject!: (e: unknown) => void;
  #expected = new Set<string>();
  #terminal = new Map<string, ReplyEvent>();
  /** Made on first use, like #settleTimers: most requests see neither (a ping gets one ok). */
  #accepted: Set<string> | undefined;
  #missing = new Map<string, MissingReason>();
  #timers = new Set<TimerHandle>();
  #settleTimers: Map<string, TimerHandle> | undefined;
  #resends = 0;
  #sends = 0;
  #startedAt: number;
  #phase: "joining" | "sent" | "done" = "joining";
  #abort?: () => void;
  /**
   * The overall timeout while no timer stands for it yet: a request sent at once arms one timer
   * (the first re-send, or the empty-group wait), which arms the timeout when it fires. Most
   * requests are answered before that, and a Node timer set and cleared is ~1 µs of a round trip.
   */
  #unarmedTimeoutMs: number | undefined;

  constructor(
    readonly command: IpcCommand,
    /** The frame re-sent until answered: its bytes, or its text (src/ipc/codec.ts, encodeFrameText). */
    readonly frame: Buffer | string,
    private readonly host: RequestHost,
    private readonly options: RequestOptions,
    private readonly onDone: () => void,
  ) {
    this.#startedAt = host.clock.now();
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get target(): string {
    return this.command.target_id;
  }

  start(): void {
    const { signal } = this.options;
    if (signal?.aborted) {
      this.#fail(new IpcError("ABORTED", "request aborted", { reason: signal.reason }));
      return;
    }
    if (signal) {
      this.#abort = () => this.#fail(new IpcError("ABORTED", "request aborted", { reason: signal.reason }));
      signal.addEventListener("abort", this.#abort, { once: true });
    }
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.MISSIONCTL_REPLY_TIMEOUT_MS;
    if (isGroupTarget(this.target) || this.host.reachable(this.target)) {
      this.#unarmedTimeoutMs = timeoutMs;
      this.#send();
    } else {
      this.#timer(timeoutMs, () => this.#finish(true));
      this.#timer(this.options.joinWindowMs ?? 1500, () => this.#joinExpired());
    }
  }

  /** A process came into presence (or its link came up). */
  onPeer(id: string, up: boolean): void {
    if (this.#phase === "joining" && up && id === this.target && this.host.reachable(id)) this.#send();
    else if (this.#phase === "sent" && !up && this.#expected.has(id) && !this.#terminal.has(id)) {
      this.#settle(id);
    }
  }

  onReply(from: string, payload: ReplyPayload, reply: IpcCommand): void {
    if (this.#phase === "done") return;
    if (this.#terminal.has(from)) return; // a re-sent cached reply: already counted
    if (payload.status === "accepted" && this.#accepted?.has(from)) return;
    const event: ReplyEvent = {
      from,
      status: payload.status,
      elapsedMs: this.host.clock.now() - this.#startedAt,
      reply,
    };
    if (payload.result) event.result = payload.result;
    if (payload.error !== undefined) event.error = payload.error;
    this.#expected.add(from);
    this.#missing.delete(from);
    const settle = this.#settleTimers?.get(from);
    if (settle) this.#clear(settle);
    if (payload.status === "accepted") {
      this.#accepted ??= new Set();
      this.#accepted.add(from);
    } else this.#terminal.set(from, event);
    try {
      this.options.onReply?.(event);
    } finally {
      // A throwing callback (it goes on to the frame's error count) must not leave the request open.
      if (this.#complete()) this.#finish(false);
    }
  }

  #send(): void {
    this.#phase = "sent";
    for (const id of isGroupTarget(this.target) ? this.host.present(this.target) : [this.target]) {
      this.#expected.add(id);
    }
    this.#publish();
    try {
      this.options.onSent?.(this.command, [...this.#expected]);
    } catch (err) {
      // The request still ends at its timeout, and the throw goes on to the caller.
      this.#armTimeout();
      throw err;
    }
    if (this.#phase !== "sent") return; // onSent aborted the request: nothing left to time
    if (this.#expected.size === 0)
      this.#stepTimer(this.options.emptyGroupWaitMs ?? 300, () => this.#finish(false));
    else this.#scheduleResend();
  }

  #publish(): void {
    this.#sends++;
    this.host.publish(this.frame).catch((err) => this.#fail(err));
  }

  #scheduleResend(): void {
    this.#stepTimer(backoffDelay(++this.#resends, RESEND_BACKOFF), () => {
      if (this.#complete()) return;
      this.#publish();
      this.#scheduleResend();
    });
  }

  /**
   * `fn` after `ms`, or the overall timeout if it comes first (see {@link #unarmedTimeoutMs}). When
   * both fall due together the timeout wins, as the earlier-armed timer did.
   */
  #stepTimer(ms: number, fn: () => void): void {
    const timeoutMs = this.#unarmedTimeoutMs;
    if (timeoutMs === undefined) {
      this.#timer(ms, fn);
    } else if (timeoutMs <= ms) {
      this.#armTimeout();
    } else {
      this.#unarmedTimeoutMs = undefined;
      this.#timer(ms, () => {
        this.#timer(timeoutMs - ms, () => this.#finish(true));
        fn();
      });
    }
  }

  /** Arms the overall timeout if no timer stands for it yet. */
  #armTimeout(): void {
    const timeoutMs = this.#unarmedTimeoutMs;
    this.#unarmedTimeoutMs = undefined;
    if (timeoutMs !== undefined && this.#phase !== "done") this.#timer(timeoutMs, () => this.#finish(true));
  }

  #joinExpired(): void {
    if (this.#phase !== "joining") return;
    this.#expected.add(this.target);
    this.#missing.set(this.target, "not_connected");
    this.#finish(false);
  }

  #settle(id: string): void {
    this.#settleTimers ??= new Map();
    const settleTimers = this.#settleTimers;
    if (settleTimers.has(id)) return;
    const handle = this.#timer(this.options.settleMs ?? 300, () => {
      settleTimers.delete(id);
      if (this.#terminal.has(id) || this.host.reachable(id)) return;
      this.#missing.set(id, "disconnected");
      if (this.#complete()) this.#finish(false);
    });
    settleTimers.set(id, handle);
  }

  /** Every expected process has a terminal reply or is known lost. */
  #complete(): boolean {
    if (this.#expected.size === 0) return false;
    for (const id of this.#expected) if (!this.#terminal.has(id) && !this.#missing.has(id)) return false;
    return true;
  }

  #finish(timedOut: boolean): void {
    if (this.#phase === "done") return;
    if (timedOut && this.#phase === "joining") this.#expected.add(this.target);
    for (const id of this.#expected) {
      if (!this.#terminal.has(id) && !this.#missing.has(id)) {
        this.#missing.set(id, this.#phase === "joining" ? "not_connected" : "timeout");
      }
    }
    const expected = [...this.#expected].sort();
    const terminal = this.#terminal;
    const unicastAnswered = isGroupTarget(this.target) || terminal.has(this.target);
    const result: RequestResult = {
      command: this.command,
      expected,
      terminal,
      acceptedOnly: this.#accepted ? [...this.#accepted].filter((id) => !terminal.has(id)).sort() : [],
      missing: this.#missing,
      sends: this.#sends,
      ok:
        unicastAnswered && this.#missing.size === 0 && [...terminal.values()].every((r) => r.status === "ok"),
    };
    this.#cleanup();
    this.#resolve(result);
  }

  /** Ends the request now with `err` (the command system is stopping). */
  abortWith(err: unknown): void {
    this.#fail(err);
  }

  #fail(err: unknown): void {
    if (this.#phase === "done") return;
    this.#cleanup();
    this.#reject(err);
  }

  #cleanup(): void {
    this.#phase = "done";
    for (const t of this.#timers) this.host.clock.clearTimeout(t);
    this.#timers.clear();
    this.#settleTimers?.clear();
    if (this.#abort) this.options.signal?.removeEventListener("abort", this.#abort);
    this.onDone();
  }

  #timer(ms: number, fn: () => void): TimerHandle {
    const handle = this.host.clock.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  #clear(handle: TimerHandle): void {
    this.host.clock.clearTimeout(handle);
    this.#timers.delete(handle);
    if (!this.#settleTimers) return;
    for (const [id, h] of this.#settleTimers) if (h === handle) this.#settleTimers.delete(id);
  }
}
