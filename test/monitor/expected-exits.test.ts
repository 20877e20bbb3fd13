import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { ExpectedExits } from "../../src/monitor/expected-exits.ts";

describe("ExpectedExits", () => {
  it("an exit asked for is awaited until taken, cancelled or lapsed", () => {
    const clock = new FakeClock(1_000);
    const exits = new ExpectedExits(clock, 60_000);
    exits.expect(["mm1", "mm2", "mm3"]);
    expect(exits.has("mm1")).toBe(true);
    expect(exits.take("mm1")).toBe(true);
    expect(exits.take("mm1")).toBe(false);
    exits.cancel(["mm2"]);
    expect(exits.has("mm2")).toBe(false);
    clock.advance(60_000);
    // Lapsed: a request never carried out does not hide a later crash.
    expect(exits.take("mm3")).toBe(false);
    exits.expect(["mm4"]);
    exits.clear();
    expect(exits.has("mm4")).toBe(false);
  });
});
