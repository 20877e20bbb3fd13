import { afterEach, describe, expect, it, vi } from "vitest";
import { installProcessHooks, scheduleForcedExit } from "../../src/strategy/process-hooks.ts";
import { FakeProcess } from "./harness.ts";

describe("installProcessHooks", () => {
  it("counts signals, forwards uncaught errors, and removes exactly its listeners", () => {
    const proc = new FakeProcess();
    const other = () => {};
    proc.on("SIGTERM", other);
    const seen: string[] = [];
    const unhook = installProcessHooks(proc, {
      signal: (name, count) => seen.push(`${name}:${count}`),
      uncaught: (err) => seen.push(`uncaught:${(err as Error).message}`),
    });
    proc.emit("SIGTERM");
    proc.emit("SIGINT");
    proc.emit("uncaughtException", new Error("x"));
    expect(seen).toEqual(["SIGTERM:1", "SIGINT:2", "uncaught:x"]);
    unhook();
    unhook();
    expect(proc.listenerCount("SIGTERM")).toBe(1);
    expect(proc.hookCount()).toBe(1);
  });
});

describe("scheduleForcedExit", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits the whole delay even beyond 2^31−1 ms, on an unref'd timer (issue 10)", () => {
    vi.useFakeTimers();
    const proc = new FakeProcess();
    scheduleForcedExit(proc, 1, 3_000_000_000);
    vi.advanceTimersByTime(2_999_999_999);
    expect(proc.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(proc.exits).toEqual([1]);
  });
});
