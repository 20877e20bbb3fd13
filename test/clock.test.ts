import { afterEach, describe, expect, it, vi } from "vitest";
import {
  clearLongTimeout,
  FakeClock,
  MAX_TIMER_MS,
  setLongTimeout,
  systemClock,
  type TimerHandle,
} from "../src/clock.ts";

afterEach(() => {
  vi.useRealTimers();
});

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("systemClock: delays beyond a Node timer's range (issue 10)", () => {
  it("a real 3e9 ms timer has not fired after 50 ms, and clearTimeout cancels it", async () => {
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, 3_000_000_000);
    await sleep(50);
    expect(fn).not.toHaveBeenCalled();
    systemClock.clearTimeout(handle);
  });

  it("chains links of at most 2^31−1 ms and fires once, only at the full delay", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    systemClock.setTimeout(fn, 3_000_000_000);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3_000_000_000 - MAX_TIMER_MS - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("a 35-day timer (more than two links) fires after 35 days to the ms", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    systemClock.setTimeout(fn, 60 * DAY);
    vi.advanceTimersByTime(60 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("exactly 2^31−1 ms is one plain timer", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    systemClock.setTimeout(fn, MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("clearTimeout cancels the chain whichever link is pending, with the same handle", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, 2 * MAX_TIMER_MS + 5);
    const handles = new Set<TimerHandle>([handle]);
    vi.advanceTimersByTime(MAX_TIMER_MS + 10); // now in the second link
    expect(handles.has(handle)).toBe(true);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("Infinity never fires", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const handle = systemClock.setTimeout(fn, Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(5 * MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    systemClock.clearTimeout(handle);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ordinary delays still fire on time, and 0 fires on the next turn", async () => {
    const order: string[] = [];
    systemClock.setTimeout(() => order.push("20"), 20);
    systemClock.setTimeout(() => order.push("0"), 0);
    await sleep(60);
    expect(order).toEqual(["0", "20"]);
  });

  it("setLongTimeout(..., unref) unrefs every link, so a pending long timer keeps no process alive", () => {
    const short = setLongTimeout(() => {}, 1000, true) as ReturnType<typeof setTimeout>;
    expect(short.hasRef()).toBe(false);
    clearLongTimeout(short);
    const long = setLongTimeout(() => {}, 40 * DAY, true);
    expect((long as unknown as { current: ReturnType<typeof setTimeout> }).current.hasRef()).toBe(false);
    clearLongTimeout(long);
  });
});

describe("FakeClock", () => {
  it("fires a NaN delay at once, as the system clock does, instead of never", () => {
    const clock = new FakeClock(0);
    const fn = vi.fn();
    clock.setTimeout(fn, Number.NaN);
    clock.advance(0);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
