import { describe, expect, it } from "vitest";
import { BotHealth } from "../../src/metrics/health.ts";

describe("BotHealth", () => {
  it("is down until every part is up, and names what is down in a stable order", () => {
    const health = new BotHealth();
    expect(health.ok()).toBe(false);
    expect(health.down()).toEqual(["telegram", "ipc"]);
    health.set("ipc", true);
    expect(health.down()).toEqual(["telegram"]);
    health.set("telegram", true);
    expect(health.ok()).toBe(true);
    expect(health.down()).toEqual([]);
  });

  it("reads a probed part at every check; a throwing probe is down; set() replaces a probe", () => {
    const health = new BotHealth();
    health.set("telegram", true);
    let started = true;
    health.probe("ipc", () => started);
    expect(health.ok()).toBe(true);
    started = false;
    expect(health.down()).toEqual(["ipc"]);
    health.probe("ipc", () => {
      throw new Error("closed");
    });
    expect(health.isUp("ipc")).toBe(false);
    health.set("ipc", true);
    expect(health.ok()).toBe(true);
  });
});
