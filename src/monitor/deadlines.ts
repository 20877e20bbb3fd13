/**
 * Many re-armed deadlines on few timers: the monitor's silence clocks. A process heartbeating once a
 * second would otherwise clear and create a timer per heartbeat (20,000 processes: 20,000 timer
 * objects a second, each living long enough to be promoted before it dies). Here re-arming a
 * deadline moves it to the tail of a list and sets a number; one clock timer per list fires at the
 * head's deadline, fires what is due and is set again for the new head.
 */
import { type Clock, systemClock, type TimerHandle } from "../clock.ts";

/** One deadline, made once per owner and re-armed as often as it likes; `fire` runs when it is due. */
export interface Deadline {
  readonly fire: () => void;
  /** When it is due, on the list's monotonic time (see {@link Deadlines}). */
  at: number;
  /** The length it was last armed with. */
  ms: number;
  /** The list it is armed on; undefined when not armed. */
  list?: DeadlineList;
  prev?: Deadline;
  next?: Deadline;
}

/** Every deadline armed with the same length, in arming order, which is deadline order. */
interface DeadlineList {
  readonly ms: number;
  head?: Deadline;
  tail?: Deadline;
  timer?: TimerHandle;
  /** Its timer is running: it sets itself again for the new head when done. */
  firing?: boolean;
}

/**
 * A new deadline that runs `fire` when due.
 *
 * @example
 * const d = deadline(() => console.log("silent"));
 * deadlines.arm(d, 15_000);
 */
export const deadline = (fire: () => void): Deadline => ({
  // Every field from the start: one hidden class for all deadlines.
  fire,
  at: 0,
  ms: 0,
  list: undefined,
  prev: undefined,
  next: undefined,
});

/**
 * The deadlines of one owner (the liveness tracker), on `clock`'s timers. Deadlines are counted on
 * a monotonic time, like the timers themselves: `performance.now()` for the system clock, so a
 * wall-clock step neither fires them early nor holds them back; a test clock's own `now()`
 * otherwise (a {@link FakeClock} only moves forward). A deadline fires at its time exactly as a
 * timer of its own would: `clock.setTimeout(fire, ms)` after the last `arm`.
 *
 * @example
 * const deadlines = new Deadlines(clock);
 * const d = deadline(() => alert());
 * deadlines.arm(d, 3000); // again at every heartbeat: no timer is made or cleared
 * deadlines.cancel(d);
 */
export class Deadlines {
  readonly #clock: Clock;
  readonly #now: () => number;
  /** The system clock's timers take whole milliseconds: round up, never fire before the deadline. */
  readonly #whole: boolean;
  readonly #lists = new Map<number, DeadlineList>();

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#whole = clock === systemClock;
    this.#now = this.#whole ? () => performance.now() : () => clock.now();
  }

  /** Whether `d` is armed. */
  armed(d: Deadline): boolean {
    return d.list !== undefined;
  }

  /** (Re)arms `d` to fire `ms` from now, replacing any earlier arming. */
  arm(d: Deadline, ms: number): void {
    const at = this.#now() + ms;
    d.ms = ms;
    const current = d.list;
    if (current !== undefined && current.ms === ms && current.tail === d) {
      // Already last in its list (a fleet of one, or the same process twice in a row): order holds.
      d.at = at;
      return;
    }
    if (current !== undefined) this.#unlink(current, d);
    let list = this.#lists.get(ms);
    if (!list) {
      list = { ms };
      this.#lists.set(ms, list);
    }
    d.at = at;
    d.list = list;
    d.prev = list.tail;
    d.next = undefined;
    if (list.tail) list.tail.next = d;
    else list.head = d;
    list.tail = d;
    if (list.timer === undefined && !list.firing) this.#schedule(list, d.at);
  }

  /** Disarms `d`; nothing if it is not armed. */
  cancel(d: Deadline): void {
    const list = d.list;
    if (!list) return;
    this.#unlink(list, d);
    if (!list.head) this.#drop(list);
  }

  /** Disarms everything and clears every timer. */
  clear(): void {
    for (const list of this.#lists.values()) {
      if (list.timer !== undefined) this.#clock.clearTimeout(list.timer);
      list.timer = undefined;
      for (let d = list.head; d; ) {
        const next = d.next;
        d.list = d.prev = d.next = undefined;
        d = next;
      }
      list.head = list.tail = undefined;
    }
    this.#lists.clear();
  }

  #unlink(list: DeadlineList, d: Deadline): void {
    if (d.prev) d.prev.next = d.next;
    else list.head = d.next;
    if (d.next) d.next.prev = d.prev;
    else list.tail = d.prev;
    d.list = d.prev = d.next = undefined;
  }

  /** An empty list goes, with its timer (a process announcing ever new intervals leaves nothing). */
  #drop(list: DeadlineList): void {
    if (list.timer !== undefined) this.#clock.clearTimeout(list.timer);
    list.timer = undefined;
    if (this.#lists.get(list.ms) === list) this.#lists.delete(list.ms);
  }

  #schedule(list: DeadlineList, at: number): void {
    const ms = at - this.#now();
    list.timer = this.#clock.setTimeout(() => this.#expire(list), this.#whole ? Math.ceil(ms) : ms);
  }

  /** The list's timer: fires what is due, in deadline order, and waits for the next head. */
  #expire(list: DeadlineList): void {
    list.timer = undefined;
    list.firing = true;
    try {
      for (let d = list.head; d !== undefined && d.at <= this.#now(); d = list.head) {
        this.#unlink(list, d);
        d.fire();
      }
    } finally {
      list.firing = false;
      // Dropped or cleared meanwhile: whatever is armed now lives on a list of its own.
      if (this.#lists.get(list.ms) === list) {
        if (list.head) this.#schedule(list, list.head.at);
        else this.#drop(list);
      }
    }
  }
}
