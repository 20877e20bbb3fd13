import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";

/** The `heartbeat` event payload (docs/protocol.md, events). */
export interface HeartbeatPayload {
  [key: string]: unknown;
  state: string;
  pid: number;
  uptime_s: number;
  /** The heartbeat interval, not the sleep between steps. */
  interval_ms: number;
  seq: number;
}

export interface HeartbeatOptions {
  clock: Clock;
  intervalMs: number;
  /** The current state, pid and uptime; `seq` and `interval_ms` are added here. */
  snapshot: () => { state: string; pid: number; uptime_s: number };
  publish: (payload: HeartbeatPayload) => Promise<unknown>;
  log: Logger;
}

/**
 * Publishes a heartbeat at start and then every `intervalMs`, on one timer at a time, whatever the
 * strategy is doing (paused included). `stop()` clears the timer.
 *
 * @example
 * const hb = new Heartbeat({ clock, intervalMs: 5000, snapshot, publish: (p) => ipc.sendCommand("*", "heartbeat", p), log });
 * hb.start();
 * hb.stop();
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  #timer?: TimerHandle;
  #seq = 0;
  #running = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** Heartbeats sent so far. */
  get seq(): number {
    return this.#seq;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#beat();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #beat(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const { clock, intervalMs, snapshot, publish, log } = this.#options;
    const payload: HeartbeatPayload = { ...snapshot(), interval_ms: intervalMs, seq: ++this.#seq };
    publish(payload).catch((err: unknown) => log.warn({ err }, "heartbeat not sent"));
    this.#timer = clock.setTimeout(() => this.#beat(), intervalMs);
  }
}
