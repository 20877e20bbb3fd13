/** Refusals are logged at a bounded rate, on the injectable clock. */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { RefusalLog } from "../../src/proxy/refusal-log.ts";
import { captureLog } from "./helpers.ts";

const refusal = (n: number) => ({ key: `key${n}`, address: "10.0.0.9", reason: "key not in the allow list" });

describe("RefusalLog", () => {
  it("logs the first refusal at once, then one line per second naming the last with the count of the others", () => {
    const clock = new FakeClock(0);
    const { logger, lines } = captureLog();
    const log = new RefusalLog(logger, clock);
    log.record(refusal(1));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ key: "key1", address: "10.0.0.9", suppressed: 0 });
    for (let i = 2; i <= 100; i++) {
      clock.advance(5);
      log.record(refusal(i));
    }
    expect(lines).toHaveLength(1); // 495 ms so far: still counting
    clock.advance(505);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ key: "key100", suppressed: 98, total: 100 });
    expect(clock.pendingTimers).toBe(0);
  });

  it("a quiet second later, the next refusal is logged at once again", () => {
    const clock = new FakeClock(0);
    const { logger, lines } = captureLog();
    const log = new RefusalLog(logger, clock);
    log.record(refusal(1));
    clock.advance(1500);
    log.record(refusal(2));
    expect(lines.map((l) => l.key)).toEqual(["key1", "key2"]);
  });

  it("close() logs what is still counted and leaves no timer", () => {
    const clock = new FakeClock(0);
    const { logger, lines } = captureLog();
    const log = new RefusalLog(logger, clock);
    log.record(refusal(1));
    log.record(refusal(2));
    log.record(refusal(3));
    log.close();
    expect(lines.map((l) => [l.key, l.suppressed])).toEqual([
      ["key1", 0],
      ["key3", 1],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });
});
