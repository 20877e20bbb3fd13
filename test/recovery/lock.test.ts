import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireSyncLock, SyncLockedError } from "../../src/recovery/lock.ts";
import { makeFixture, type SyncFixture } from "./fixtures.ts";

let fx: SyncFixture;
beforeEach(() => {
  fx = makeFixture();
});
afterEach(() => fx.cleanup());

describe("the per-strategy sync lock", () => {
  it("refuses a second holder, and is free again once released", () => {
    const release = acquireSyncLock(fx.base);
    expect(() => acquireSyncLock(fx.base)).toThrow(SyncLockedError);
    release();
    expect(existsSync(join(fx.base, ".sync.lock"))).toBe(false);
    acquireSyncLock(fx.base)();
  });

  it("takes over a lock left by a dead process", () => {
    writeFileSync(join(fx.base, ".sync.lock"), "2147483646"); // no such pid
    const release = acquireSyncLock(fx.base);
    release();
  });

  it("refuses a lock held by another live process", () => {
    writeFileSync(join(fx.base, ".sync.lock"), "1"); // init is alive
    expect(() => acquireSyncLock(fx.base)).toThrow(/another sync of this strategy is running \(pid 1/);
  });
});
