import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/duration.ts";
import {
  alertText,
  flappingText,
  infoText,
  oneLine,
  repeatText,
  resolvedText,
  stillFlappingText,
} from "../../src/monitor/texts.ts";
import { alertWordCount } from "./harness.ts";

describe("texts", () => {
  it("formats durations for humans, by the chat's one rule (issue 11: 800 ms reads 0.8 s)", () => {
    expect(
      [800, 15_000, 119_000, 120_000, 30 * 60_000, 125 * 60_000, 180 * 60_000].map(formatDuration),
    ).toEqual(["0.8 s", "15 s", "119 s", "2 min", "30 min", "2 h 5 min", "3 h"]);
  });

  it("writes the alert lines of the README, each with exactly one alert word", () => {
    const alerts = [
      alertText("mm1", "disconnected", "no stopped notice"),
      alertText("mm1", "crashed", "Error: boom"),
      alertText("mm1", "silent", "no heartbeat for 15 s"),
      repeatText(alertText("mm1", "crashed", "Error: boom"), 30 * 60_000),
      flappingText("mm1", "disconnected", 3, 60_000),
      stillFlappingText("mm1", "crashed", 12, 30 * 60_000),
    ];
    expect(alerts.slice(0, 4)).toEqual([
      "🔴 mm1 disconnected (no stopped notice)",
      "🔴 mm1 crashed: Error: boom",
      "🟡 mm1 silent: no heartbeat for 15 s",
      "🔴 mm1 crashed: Error: boom — ongoing for 30 min",
    ]);
    for (const text of alerts) expect(alertWordCount(text), text).toBe(1);
    expect(resolvedText("mm1", "heartbeats are back")).toBe("🟢 mm1 resolved: heartbeats are back");
  });

  it("keeps info lines free of the alert words and of `resolved`", () => {
    const lines = [
      infoText.stopped("mm1", "finish_and_exit", 0),
      infoText.stopped("mm1"),
      infoText.exitedAsRequested("mm1"),
      infoText.backAfterStop("mm1"),
      infoText.restarted("mm1", 1, 2),
      infoText.muteExpired("mm*"),
    ];
    for (const text of lines) {
      expect(alertWordCount(text), text).toBe(0);
      expect(text).not.toMatch(/resolved/);
    }
    expect(lines[1]).toBe("⚪ mm1 stopped as planned");
  });

  it("flattens and bounds quoted error text", () => {
    expect(oneLine("Error: a\n   at b\n", 100)).toBe("Error: a at b");
    expect(oneLine("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
