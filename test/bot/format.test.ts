import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, splitText } from "../../src/bot/format.ts";

describe("format", () => {
  it("parses mute durations", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    for (const bad of ["", "10", "m", "2x", "0m", "1h 2"]) expect(parseDuration(bad)).toBeUndefined();
  });

  it("formats durations for people", () => {
    expect(formatDuration(3)).toBe("3 ms");
    expect(formatDuration(812)).toBe("0.8 s");
    expect(formatDuration(10_000)).toBe("10 s");
    expect(formatDuration(300_000)).toBe("5 min");
    expect(formatDuration(7_200_000)).toBe("2 h");
  });

  it("splits at 4096 characters, at line breaks where possible", () => {
    const line = "x".repeat(100);
    const text = Array.from({ length: 100 }, () => line).join("\n");
    const chunks = splitText(text);
    expect(chunks.length).toBe(3);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
    expect(chunks.join("\n")).toBe(text);
    expect(splitText("y".repeat(5000)).map((c) => c.length)).toEqual([4096, 904]);
  });
});
