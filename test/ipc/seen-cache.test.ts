import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { SeenCache } from "../../src/ipc/index.ts";

describe("SeenCache", () => {
  it("remembers an id for at least 10 minutes by default, then forgets it", () => {
    const clock = new FakeClock(1_000_000);
    const seen = new SeenCache({ clock });
    const entry = seen.add("a_1_1");
    entry.lastReply = Buffer.from("reply");
    clock.advance(10 * 60_000);
    expect(seen.get("a_1_1")?.lastReply?.toString()).toBe("reply");
    clock.advance(1);
    expect(seen.get("a_1_1")).toBeUndefined();
    expect(seen.size).toBe(0);
  });

  it("prunes expired entries when adding, so it does not grow without bound", () => {
    const clock = new FakeClock(0);
    const seen = new SeenCache({ clock, ttlMs: 1000 });
    for (let i = 0; i < 100; i++) seen.add(`old_${i}`);
    clock.advance(1001);
    seen.add("new");
    expect(seen.size).toBe(1);
  });

  it("is bounded by count, evicting the oldest first", () => {
    const clock = new FakeClock(0);
    const seen = new SeenCache({ clock, max: 3 });
    for (const id of ["a", "b", "c", "d"]) {
      seen.add(id);
      clock.advance(1);
    }
    expect(seen.size).toBe(3);
    expect(seen.get("a")).toBeUndefined();
    expect(seen.get("b")).toBeDefined();
    expect(seen.get("d")).toBeDefined();
  });
});
