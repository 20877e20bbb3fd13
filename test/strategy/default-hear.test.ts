/**
 * Issue 11: the library's default hear list follows MISSIONCTL_ID like `missionctl strategy` does,
 * through the configuration read once (this file's process sets it before anything reads it).
 */
import { afterAll, describe, expect, it } from "vitest";
import { processConfig } from "../../src/config.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/index.ts";
import { runStrategy } from "../../src/strategy/run.ts";

const before = process.env.MISSIONCTL_ID;
process.env.MISSIONCTL_ID = "bot2";
afterAll(() => {
  if (before === undefined) delete process.env.MISSIONCTL_ID;
  else process.env.MISSIONCTL_ID = before;
});

describe("runStrategy without options.hear", () => {
  it("hears the bot named by MISSIONCTL_ID and cli", async () => {
    const strategy = runStrategy(
      { id: "mm1", intervalMs: 60_000, step: () => {} },
      { transport: new MemoryTransport(new MemoryHub(), "mm1"), process: false, lingerMs: 0 },
    );
    try {
      expect(await strategy.started).toBe(true);
      expect(strategy.ipc.heardProcesses()).toEqual(["bot2", "cli"]);
    } finally {
      await strategy.stop("test over", { now: true });
    }
    expect(await strategy.done).toBe(0);
  });

  it("reads the configuration once: a later change of the environment is not seen", () => {
    process.env.MISSIONCTL_ID = "bot3";
    expect(processConfig().MISSIONCTL_ID).toBe("bot2");
    expect(Object.isFrozen(processConfig())).toBe(true);
  });
});
