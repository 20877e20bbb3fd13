/**
 * Refused connection attempts, logged at a bounded rate: anyone who reaches the proxy's port can
 * knock as fast as they like, and each knock must not cost a log line.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { Logger } from "../log.ts";

/** One refused attempt: the client's public key (Z85, or what was offered) and its peer address. */
export interface Refusal {
  key: string;
  address: string;
  reason: string;
}

/**
 * At most one warn line per `intervalMs`: the first refusal of a quiet period is logged at once; the
 * ones after it within the interval are counted, and one line at the end of the interval names the
 * last of them with the count (`suppressed`), so a flood is seen without flooding.
 *
 * @example
 * const refusals = new RefusalLog(log, systemClock);
 * refusals.record({ key: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", address: "10.0.0.9", reason: "not in the allow list" });
 * refusals.close(); // logs what is still counted, clears the timer
 */
export class RefusalLog {
  #lastLogAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;
  #last?: Refusal;
  #timer?: TimerHandle;
  /** Every refusal recorded, logged or not. */
  total = 0;

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly intervalMs = 1000,
  ) {}

  record(refusal: Refusal): void {
    this.total++;
    const now = this.clock.now();
    if (now - this.#lastLogAt >= this.intervalMs && this.#timer === undefined) {
      this.#write(refusal, 0, now);
      return;
    }
    this.#suppressed++;
    this.#last = refusal;
    // One timer per interval, not one per refusal: the flush names the last refusal and the count.
    this.#timer ??= this.clock.setTimeout(() => this.#flush(), this.#lastLogAt + this.intervalMs - now);
  }

  /** Logs what is still counted and clears the timer. */
  close(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#flush();
  }

  #flush(): void {
    this.#timer = undefined;
    const last = this.#last;
    const count = this.#suppressed;
    this.#last = undefined;
    this.#suppressed = 0;
    // The flushed line stands for `count` refusals, the one it names among them.
    if (last && count > 0) this.#write(last, count - 1, this.clock.now());
  }

  #write(refusal: Refusal, suppressed: number, now: number): void {
    this.#lastLogAt = now;
    this.log.warn(
      { key: refusal.key, address: refusal.address, reason: refusal.reason, suppressed, total: this.total },
      `refused ${refusal.key} from ${refusal.address}: ${refusal.reason}`,
    );
  }
}
