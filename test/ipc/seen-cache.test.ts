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

  it("keeps a reply given as text, as the command system does", () => {
    const seen = new SeenCache({ clock: new FakeClock(0) });
    seen.add("a_1_1").lastReply = "chatops.reply  {}";
    expect(seen.get("a_1_1")?.lastReply).toBe("chatops.reply  {}");
  });

  it("prunes oldest first across many adds, with ids expiring steadily (no rescan from the start)", () => {
    const clock = new FakeClock(0);
    const seen = new SeenCache({ clock, ttlMs: 1000 });
    for (let i = 0; i < 5000; i++) {
      seen.add(`id_${i}`);
      clock.advance(1);
      // Only the last 1000 ms of ids are remembered, and the oldest of them is still there.
      expect(seen.size).toBe(Math.min(i + 1, 1001));
    }
    expect(seen.get("id_3999")).toBeUndefined(); // 1001 ms old by now
    expect(seen.get("id_4000")).toBeDefined(); // exactly 1000 ms old
    // Everything expires: the cache empties, and starts over cleanly.
    clock.advance(2000);
    seen.add("fresh");
    expect(seen.size).toBe(1);
    seen.add("fresher");
    expect(seen.size).toBe(2);
  });

  it("an id dropped on lookup and executed again keeps its new entry when the old one is pruned", () => {
    const clock = new FakeClock(0);
    const seen = new SeenCache({ clock, ttlMs: 1000, max: 3 });
    seen.add("a");
    clock.advance(1001);
    expect(seen.get("a")).toBeUndefined(); // expired: dropped on lookup
    const again = seen.add("a");
    seen.add("b");
    seen.add("c");
    expect(seen.get("a")).toBe(again);
    seen.add("d"); // over the count bound: the oldest live entry ("a", the new one) goes
    expect(seen.get("a")).toBeUndefined();
    expect(seen.size).toBe(3);
  });
});
