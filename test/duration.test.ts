import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../src/duration.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("formatDuration: one rule for every chat text (issue 11)", () => {
  it.each([
    [-5, "0 ms"],
    [3, "3 ms"],
    [99, "99 ms"],
    [100, "0.1 s"],
    [812, "0.8 s"],
    [2000, "2.0 s"],
    [9_949, "9.9 s"],
    [9_950, "10 s"],
    [15_000, "15 s"],
    [119_000, "119 s"],
    [119_500, "2 min"],
    [90 * MIN, "90 min"],
    [2 * HOUR, "2 h"],
    [3 * HOUR + 5 * MIN, "3 h 5 min"],
    [47 * HOUR + 59 * MIN, "47 h 59 min"],
    [48 * HOUR, "2 d"],
    [52 * HOUR, "2 d 4 h"],
    [30 * 24 * HOUR, "30 d"],
  ])("%i ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("writes back what /mute parses", () => {
    const read = (text: string) => formatDuration(parseDuration(text) as number);
    expect(["90s", "1h30m", "2h", "3h5m", "1d", "30d"].map(read)).toEqual([
      "90 s",
      "90 min",
      "2 h",
      "3 h 5 min",
      "24 h",
      "30 d",
    ]);
  });
});
