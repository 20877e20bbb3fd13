import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.ts";

describe("backoffDelay", () => {
  it("starts at baseMs and doubles up to maxMs (the IPC re-send schedule)", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 50].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 3200 }));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 3200, 3200]);
  });

  it("stays finite for any attempt, and treats attempt 0 as the first", () => {
    expect(backoffDelay(10_000, { baseMs: 500, maxMs: 30_000 })).toBe(30_000);
    expect(backoffDelay(0, { baseMs: 500, maxMs: 30_000 })).toBe(500);
  });
});
