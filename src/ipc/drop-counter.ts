import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { DropReason, FrameError } from "./errors.ts";

/**
 * Counts dropped frames by reason and logs them at warn level at most once per interval, so a
 * flood of garbage neither floods the log nor slows the receiver.
 */
export class DropCounter {
  readonly counts: Record<DropReason, number> = {
    too_short: 0,
    too_large: 0,
    bad_json: 0,
    bad_schema: 0,
    topic_mismatch: 0,
    sender_mismatch: 0,
  };
  /** Frames that decoded but whose handling threw; the receive loop went on. */
  handlingFailures = 0;
  #lastLogAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = 1000,
  ) {}

  record(error: FrameError, peer: string | undefined): void {
    this.counts[error.reason]++;
    this.#warn(`dropped frame: ${error.message}`, { peer, reason: error.reason });
  }

  /** A frame that decoded but whose handling threw (a listener, a callback): dropped, counted, logged. */
  failed(err: unknown, peer: string | undefined): void {
    this.handlingFailures++;
    const message = err instanceof Error ? err.message : String(err);
    this.#warn(`frame handling failed, frame dropped: ${message}`, { peer, reason: "handler_threw" });
  }

  #warn(message: string, fields: Record<string, unknown>): void {
    const now = this.clock.now();
    if (now - this.#lastLogAt < this.intervalMs) {
      this.#suppressed++;
      return;
    }
    this.#lastLogAt = now;
    this.log.warn(
      {
        ...fields,
        suppressed: this.#suppressed,
        dropped: { ...this.counts },
        handlingFailures: this.handlingFailures,
      },
      message,
    );
    this.#suppressed = 0;
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}
