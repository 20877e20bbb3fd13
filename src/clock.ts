/**
 * Time as a dependency, so liveness and scheduling logic is tested without sleeping.
 *
 * @example
 * const clock = new FakeClock(0);
 * clock.setTimeout(() => console.log("fired"), 1000);
 * clock.advance(1000); // prints "fired"
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Calls `fn` once after `ms`. Any finite `ms` ≥ 0 is honoured, however large; `Infinity` never
   * fires. Callers validate their durations: NaN and negative delays fire as soon as possible.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly __timer: true } | ReturnType<typeof setTimeout>;

/**
 * The longest delay a Node timer takes (2^31−1 ms, about 24.8 days). Above it Node fires after 1 ms
 * with a warning, so a 30-day mute or a 35-day interval would end at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timer longer than {@link MAX_TIMER_MS}: a chain of Node timers, each at most that long. The
 * handle stays the same object for the whole chain (callers keep it in sets and compare it), and
 * `current` is whichever link is pending, so clearing the handle cancels the chain at any point.
 */
class ChainedTimer {
  readonly __timer = true as const;
  current: ReturnType<typeof setTimeout>;

  constructor(
    private readonly fn: () => void,
    remainingMs: number,
    private readonly unref: boolean,
  ) {
    this.current = this.#link(remainingMs);
  }

  #link(remainingMs: number): ReturnType<typeof setTimeout> {
    // Counting the remaining time down link by link, not re-reading Date.now(): Node timers run on
    // the monotonic clock, so a wall-clock jump neither shortens nor stretches the wait.
    const step = Math.min(remainingMs, MAX_TIMER_MS);
    const timer =
      remainingMs > MAX_TIMER_MS
        ? setTimeout(() => {
            this.current = this.#link(remainingMs - MAX_TIMER_MS);
          }, step)
        : setTimeout(this.fn, step);
    if (this.unref) timer.unref();
    return timer;
  }
}

/**
 * Node's setTimeout without its range limit: any finite delay ≥ 0 fires after that delay (chained
 * past {@link MAX_TIMER_MS}), `Infinity` never fires (one link every 24.8 days keeps waiting).
 * Ordinary delays, NaN and negatives take Node's own timer unchanged, so the common case costs
 * nothing extra. `unref` lets the process exit while the timer is pending.
 *
 * @example
 * const t = setLongTimeout(() => console.log("35 days later"), 35 * 86_400_000);
 * clearLongTimeout(t);
 */
export function setLongTimeout(fn: () => void, ms: number, unref = false): TimerHandle {
  if (!(ms > MAX_TIMER_MS)) {
    const timer = setTimeout(fn, ms);
    if (unref) timer.unref();
    return timer;
  }
  return new ChainedTimer(fn, ms, unref);
}

/** Cancels a timer of {@link setLongTimeout}, whichever link of a chain is pending. */
export function clearLongTimeout(handle: TimerHandle): void {
  clearTimeout(handle instanceof ChainedTimer ? handle.current : (handle as ReturnType<typeof setTimeout>));
}

/** The real clock. Its timers are unref'd only when asked, so they keep a process alive by default. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setLongTimeout(fn, ms),
  clearTimeout: (handle) => clearLongTimeout(handle),
};

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A manual clock for tests: time moves only through {@link FakeClock.advance}. */
export class FakeClock implements Clock {
  #now: number;
  #timers: FakeTimer[] = [];
  #nextId = 1;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    // NaN fires at once, as on the system clock; Math.max alone would make it a timer that never fires.
    const delay = Number.isNaN(ms) ? 0 : Math.max(0, ms);
    const timer = { id: this.#nextId++, at: this.#now + delay, fn };
    this.#timers.push(timer);
    return { __timer: true, id: timer.id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as unknown as { id: number }).id;
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** Number of timers still pending: a leak check for tests. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward, firing due timers in order (timers set while firing are honoured). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
    }
    this.#now = end;
  }
}
