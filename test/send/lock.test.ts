import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireIdLock, LockTimeoutError } from "../../src/send/lock.ts";
import { tempIpcDir, until } from "../helpers.ts";

/** The pid of a process that has certainly ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((r) => child.on("exit", r));
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}

describe("acquireIdLock", () => {
  let dir: string;
  let cleanup: () => void;
  let lockPath: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempIpcDir());
    lockPath = join(dir, "locks", "cli.lock");
  });
  afterEach(() => cleanup());

  it("creates IPC_DIR/locks/{id}.lock holding our pid, private, and release removes it", async () => {
    const release = await acquireIdLock(dir, "cli");
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "locks")).mode & 0o777).toBe(0o700);
    release();
    expect(existsSync(lockPath)).toBe(false);
    // No temporary or guard files are left behind.
    expect(readdirSync(join(dir, "locks"))).toEqual([]);
  });

  it("locks per id: different ids do not wait for each other", async () => {
    const a = await acquireIdLock(dir, "cli", { timeoutMs: 1000 });
    const b = await acquireIdLock(dir, "cli2", { timeoutMs: 1000 });
    expect(readdirSync(join(dir, "locks")).sort()).toEqual(["cli.lock", "cli2.lock"]);
    a();
    b();
  });

  it("waits while a live process holds the lock, tells onWait once, and takes it when released", async () => {
    const first = await acquireIdLock(dir, "cli");
    const waits: (number | undefined)[] = [];
    let acquired = false;
    const second = acquireIdLock(dir, "cli", { onWait: (pid) => waits.push(pid) }).then((release) => {
      acquired = true;
      return release;
    });
    await until(() => waits.length > 0, 5000, "onWait");
    await new Promise((r) => setTimeout(r, 200));
    expect(acquired).toBe(false);
    expect(waits).toEqual([process.pid]);
    first();
    const release = await second;
    expect(acquired).toBe(true);
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it("gives up after timeoutMs with LockTimeoutError naming the holder", async () => {
    const release = await acquireIdLock(dir, "cli");
    const err = await acquireIdLock(dir, "cli", { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err).toMatchObject({ code: "LOCK_TIMEOUT", path: lockPath, holderPid: process.pid });
    // The holder's lock is untouched.
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
  });

  it("takes over a lock left by a dead process", async () => {
    const pid = await deadPid();
    mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(lockPath, String(pid));
    const waits: (number | undefined)[] = [];
    const release = await acquireIdLock(dir, "cli", { timeoutMs: 5000, onWait: (p) => waits.push(p) });
    expect(waits).toEqual([]);
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
    expect(readdirSync(join(dir, "locks"))).toEqual([]);
  });

  it.each([
    ["empty", ""],
    ["garbage", "not a pid"],
    ["zero", "0"],
  ])("takes over a lock file holding no pid (%s)", async (_what, text) => {
    mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(lockPath, text);
    const release = await acquireIdLock(dir, "cli", { timeoutMs: 5000 });
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
  });

  it("clears a takeover guard left by a dead process", async () => {
    const pid = await deadPid();
    mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(lockPath, String(pid));
    writeFileSync(`${lockPath}.takeover`, String(pid));
    const release = await acquireIdLock(dir, "cli", { timeoutMs: 5000 });
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
    expect(readdirSync(join(dir, "locks"))).toEqual([]);
  });

  it("leaves a stale lock alone while a live process is taking it over (holds the guard)", async () => {
    const pid = await deadPid();
    mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(lockPath, String(pid));
    writeFileSync(`${lockPath}.takeover`, String(process.pid)); // a live taker, mid-takeover
    let acquired = false;
    const pending = acquireIdLock(dir, "cli", { timeoutMs: 10_000 }).then((release) => {
      acquired = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(acquired).toBe(false);
    expect(readFileSync(lockPath, "utf8")).toBe(String(pid));
    rmSync(`${lockPath}.takeover`);
    const release = await pending;
    expect(readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
  });

  it("release leaves alone a lock that is no longer ours", async () => {
    const release = await acquireIdLock(dir, "cli");
    writeFileSync(lockPath, "1"); // pid 1 (init) is alive: someone else's lock now
    release();
    expect(readFileSync(lockPath, "utf8")).toBe("1");
  });

  it("serializes processes racing for a stale lock: no two hold it at once", async () => {
    const pid = await deadPid();
    mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(lockPath, String(pid));
    const log = join(dir, "held.log");
    // Each worker holds the lock ~50 ms and records when (monotonic ns, same clock for all).
    const worker = `
      const { appendFileSync } = await import("node:fs");
      const { acquireIdLock } = await import(${JSON.stringify(new URL("../../src/send/lock.ts", import.meta.url).href)});
      const release = await acquireIdLock(${JSON.stringify(dir)}, "cli", { timeoutMs: 60000 });
      const start = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, 50));
      appendFileSync(${JSON.stringify(log)}, start + " " + process.hrtime.bigint() + "\\n");
      release();`;
    const workers = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", worker], { stdio: "inherit" }),
    );
    const codes = await Promise.all(
      workers.map((w) => new Promise<number | null>((r) => w.on("exit", (code) => r(code)))),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const spans = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ").map(BigInt) as [bigint, bigint])
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(spans).toHaveLength(4);
    for (let i = 1; i < spans.length; i++) {
      const [start] = spans[i] as [bigint, bigint];
      const [, previousEnd] = spans[i - 1] as [bigint, bigint];
      expect(start >= previousEnd).toBe(true);
    }
    expect(existsSync(lockPath)).toBe(false);
  });
});
