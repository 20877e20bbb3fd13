/** The CLI's progress line: drawn in place on a terminal, throttled, cleared; nothing elsewhere. */
import { describe, expect, it } from "vitest";
import { aboveProgress, createProgress } from "../../src/cli-progress.ts";
import { FakeClock } from "../../src/clock.ts";

const CLEAR = "\r\x1b[2K";

/** A terminal (or not) that records every write. */
function fakeStream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (t: string) => writes.push(t) } };
}

describe("createProgress on a terminal", () => {
  it("shows nothing for an operation shorter than showAfterMs", () => {
    const { writes, stream } = fakeStream(true);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("waiting for mm1…");
    clock.advance(299);
    progress.done();
    expect(writes).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("redraws the line in place with the seconds spent, and clears it when done", () => {
    const { writes, stream } = fakeStream(true);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("waiting for mm1…");
    clock.advance(300);
    expect(writes).toEqual([`${CLEAR}waiting for mm1… 0.3 s`]);
    clock.advance(1800);
    expect(writes.at(-1)).toBe(`${CLEAR}waiting for mm1… 2.1 s`);
    progress.done();
    expect(writes.at(-1)).toBe(CLEAR);
    expect(clock.pendingTimers).toBe(0);
  });

  it("draws about 10 times a second however often it is updated", () => {
    const { writes, stream } = fakeStream(true);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock, showAfterMs: 0 });
    progress.start("replies: 0");
    for (let i = 1; i <= 1000; i++) {
      progress.update(`replies: ${i}`);
      clock.advance(1);
    }
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes.length).toBeLessThanOrEqual(11);
    expect(writes.at(-1)).toBe(`${CLEAR}replies: 1000 1.0 s`);
    progress.done();
  });

  it("a new stage counts its own seconds; update keeps them", () => {
    const { writes, stream } = fakeStream(true);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("lock…");
    clock.advance(1000);
    progress.start("waiting for mm1…");
    clock.advance(500);
    expect(writes.at(-1)).toBe(`${CLEAR}waiting for mm1… 0.5 s`);
    progress.update("waiting for mm1 (accepted)…");
    clock.advance(100);
    expect(writes.at(-1)).toBe(`${CLEAR}waiting for mm1 (accepted)… 0.6 s`);
    progress.done();
  });

  it("never wider than the terminal (a wrapped line could not be cleared)", () => {
    const { writes, stream } = fakeStream(true, 20);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("waiting for mm1, mm2, mm3, mm4…");
    clock.advance(300);
    expect(writes.at(-1)?.replace(CLEAR, "")).toBe("waiting for mm1, m…");
    expect(writes.at(-1)?.replace(CLEAR, "").length).toBe(19);
    progress.done();
  });

  it("aboveProgress clears the line, writes, and draws it again", () => {
    const { writes, stream } = fakeStream(true);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("waiting…");
    clock.advance(300);
    writes.length = 0;
    aboveProgress(() => writes.push("a reply\n"));
    expect(writes).toEqual([CLEAR, "a reply\n", `${CLEAR}waiting… 0.3 s`]);
    progress.done();
    writes.length = 0;
    aboveProgress(() => writes.push("after\n"));
    expect(writes).toEqual(["after\n"]);
  });
});

describe("createProgress off a terminal", () => {
  it("writes nothing and sets no timer", () => {
    const { writes, stream } = fakeStream(false);
    const clock = new FakeClock(0);
    const progress = createProgress({ stream, clock });
    progress.start("waiting for mm1…");
    progress.update("still waiting…");
    clock.advance(10_000);
    aboveProgress(() => {});
    progress.done();
    expect(writes).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
