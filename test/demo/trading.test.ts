import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DemoTrading } from "../../src/demo/trading.ts";
import { SimExecutor } from "../../src/executor/sim-executor.ts";
import { IpcCommandSystem, MemoryHub, MemoryTransport } from "../../src/ipc/index.ts";
import { createLogger } from "../../src/log.ts";
import { applyPlan } from "../../src/recovery/apply.ts";
import { planSync } from "../../src/recovery/plan.ts";
import type { StepContext } from "../../src/strategy/types.ts";
import { flush } from "../helpers.ts";
import { makeFixture, type SyncFixture } from "../recovery/fixtures.ts";

let fx: SyncFixture;
let systems: IpcCommandSystem[];

beforeEach(() => {
  fx = makeFixture();
  systems = [];
});
afterEach(async () => {
  for (const s of systems) await s.stop();
  fx.cleanup();
});

async function network() {
  const hub = new MemoryHub();
  const mm2 = new IpcCommandSystem({ id: "mm2", transport: new MemoryTransport(hub, "mm2") });
  const te1 = new IpcCommandSystem({ id: "te1", transport: new MemoryTransport(hub, "te1") });
  systems.push(mm2, te1);
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  const sim = new SimExecutor({ logDir: fx.log, tradingDay: () => day });
  for (const [type, h] of Object.entries(sim.handlers())) te1.registerHandler(type, h);
  await mm2.start();
  await te1.start();
  te1.connectToProcess("mm2");
  mm2.connectToProcess("te1");
  await flush();
  const ctx = {
    id: "mm2",
    step: 1,
    signal: new AbortController().signal,
    log: createLogger({ level: "silent" }),
    ipc: mm2,
  } as unknown as StepContext;
  return { ctx };
}

describe("demo trading", () => {
  it("a crashed session synced gives what a clean end would have written", async () => {
    const { ctx } = await network();
    const options = { base: fx.base, executor: "te1", strategy: "demo.mm2" };
    const crashed = new DemoTrading(options);
    for (let i = 0; i < 6; i++) await crashed.step(ctx);
    // No end(): like kill -9. The sync rebuilds the account from the executor's log.
    const plan = planSync({ base: fx.base, executorLog: fx.log, strategy: "demo.mm2" });
    if (plan.kind !== "sync") throw new Error("expected a sync");
    expect(plan.session).toBe(crashed.session);
    expect(plan.applied).toBe(6);
    applyPlan(plan);
    const synced = JSON.parse(readFileSync(join(fx.base, "account.synced.json"), "utf8"));
    // Had it ended cleanly, its own book would say the same.
    crashed.end(0);
    const clean = JSON.parse(readFileSync(join(fx.base, "account.json"), "utf8"));
    expect(synced.positions).toEqual(clean.positions);
    const events = readFileSync(join(fx.base, "sessions.jsonl"), "utf8").trim().split("\n");
    expect(events.map((l) => JSON.parse(l).event)).toEqual(["start", "end"]);
  });
});
