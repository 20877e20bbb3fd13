import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BotHarness } from "../../src/testing/index.ts";
import type { SyncFixture } from "../recovery/fixtures.ts";
import { type SyncScene, startSyncScene } from "./sync-scene.ts";

const ALICE = 1001;
const CAROL = 1003; // another operator

let scene: SyncScene;
let fx: SyncFixture;
let h: BotHarness;

beforeEach(async () => {
  scene = await startSyncScene({ operators: [ALICE, CAROL] });
  ({ fx, h } = scene);
});
afterEach(() => scene.close());

describe("/sync", () => {
  it("shows the saga and the diff, and writes on the requester's Apply", async () => {
    await h.send(ALICE, "/sync mm2");
    const progress = await h.waitForMessage(/^sync mm2 \(executor te1\)\n[\s\S]*rb2605\.SHFE\s+long\s+0 → 2/);
    expect(progress.text).toContain("✓ info: 1 pending order(s), 1 trade(s)");
    expect(progress.text).toContain("✓ cancel: cancel sent for 1 order(s)");
    expect(progress.text).toContain("✓ flush_log:");
    await h.waitForMessage(/^Apply sync mm2\?\nIt writes /);
    await h.press(CAROL, "Apply", { chatId: ALICE }); // not the requester: refused, nothing written
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
    await h.press(ALICE, "Apply");
    await h.waitForMessage(`sync mm2: wrote ${join(fx.base, "account.synced.json")}`);
    expect(JSON.parse(readFileSync(join(fx.base, "account.synced.json"), "utf8")).positions).toHaveLength(1);
    // Recorded in the audit once the handler returned (just after that final edit).
    let audit = "";
    for (let i = 0; i < 20 && !audit.includes("/sync mm2"); i++) {
      const before = h.telegram.botMessages(ALICE).length;
      await h.send(ALICE, "/history");
      audit = (await h.waitUntil(() => h.telegram.botMessages(ALICE)[before], { what: "/history" })).text;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(audit).toMatch(/\/sync mm2\n {2}ok — sync mm2: wrote /);
  });

  it("shows its progress in one message, edited as each step of the saga ends", async () => {
    await h.send(ALICE, "/sync mm2");
    const done = await h.waitForMessage(/^sync mm2 \(executor te1\)\n[\s\S]*rb2605\.SHFE/);
    await h.waitForMessage(/^Apply sync mm2\?/);
    // The first version is the head alone; later ones add steps, in order, to the same message.
    expect(done.history[0]).toMatch(/^sync mm2 \(executor te1\)[^\n]*$/);
    const steps = (text: string) => text.split("\n").filter((l) => /^[✓✗] /.test(l)).length;
    const counts = done.history.map(steps);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThanOrEqual(3);
    expect(h.telegram.botMessages(ALICE).filter((m) => m.text.startsWith("sync mm2 (executor"))).toHaveLength(
      1,
    );
  });

  it("Cancel writes nothing", async () => {
    await h.send(ALICE, "/sync mm2");
    await h.waitForMessage(/^Apply sync mm2\?/);
    await h.press(ALICE, "Cancel");
    await h.waitForMessage("sync mm2: cancelled");
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("refuses Apply when an input changed since the dry run", async () => {
    await h.send(ALICE, "/sync mm2");
    await h.waitForMessage(/^Apply sync mm2\?/);
    appendFileSync(join(fx.log, "20261201.jsonl"), `${JSON.stringify({ type: "order", source: "x" })}\n`);
    await h.press(ALICE, "Apply");
    await h.waitForMessage("sync mm2: an input changed since the dry run; nothing was written");
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("refuses while the strategy runs again, and for a process not in the map", async () => {
    await h.addStrategy("mm2");
    await h.send(ALICE, "/sync mm2");
    await h.waitForMessage(/✗ strategy: mm2 is running again: a sync now would fight it\nrefused:/);
    await h.send(ALICE, "/sync mm7");
    await h.waitForMessage(/^mm7 is not in MISSIONCTL_SYNC_MAP/);
  });
});
