/**
 * Shared bits of the benchmark stages: percentiles, temp dirs, child processes that are always
 * cleaned up, and CPU / memory readings from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IpcCommandSystem } from "../src/ipc/index.ts";
import { missionctlArgs } from "./build.ts";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The p-quantile (0..1) of `xs`, nearest-rank on a sorted copy. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] as number;
}

/** One progress line per stage step, flushed at once so a slow stage is visibly alive. */
export function progress(stage: string, message: string): void {
  process.stdout.write(`[bench] ${stage.padEnd(12)} ${message}\n`);
}

/** Polls `check` every few ms (bench harness only; the project code itself never polls). */
export async function waitFor<T>(check: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(2);
  }
}

const dirs: string[] = [];

/** A fresh directory, short enough for the 107-byte ipc path limit; removed by {@link cleanupAll}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mbench-"));
  dirs.push(dir);
  return dir;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The last few KB of stderr, for failure messages. */
  stderr(): string;
  exited(): boolean;
  exit: Promise<number | null>;
}

const children = new Set<Child>();

/**
 * Spawns `node [args]` as a tracked child: stdout is discarded (pino's JSON lines would otherwise
 * fill a pipe nobody reads), stderr is kept for diagnostics. Every tracked child is SIGKILLed by
 * {@link cleanupAll}, which run.ts calls on every way out (success, failure, signal).
 */
export function spawnNode(args: string[], env: Record<string, string>, ipc = false): Child {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ipc ? ["ignore", "ignore", "pipe", "ipc"] : ["ignore", "ignore", "pipe"],
  });
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exit = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const child: Child = {
    proc,
    pid: proc.pid ?? -1,
    stderr: () => err,
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    exit,
  };
  children.add(child);
  void exit.then(() => children.delete(child));
  return child;
}

/** `missionctl <args>`: the build or the source, as bench/build.ts prepared it. */
export function spawnCli(args: string[], env: Record<string, string>): Child {
  return spawnNode(missionctlArgs(args), env);
}

/** A bench-only TypeScript child (through tsx, like the CLI from source). */
export function spawnTs(file: string, args: string[], env: Record<string, string>, ipc = false): Child {
  const path = new URL(file, import.meta.url).pathname;
  return spawnNode(["--import", import.meta.resolve("tsx"), path, ...args], env, ipc);
}

/** Kills one child and waits for it (SIGKILL after `graceMs` if a gentler signal was not enough). */
export async function stopChild(
  child: Child,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 3000,
): Promise<void> {
  if (child.exited()) return;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), graceMs);
  await child.exit;
  clearTimeout(timer);
}

/** SIGKILLs every child still alive and removes the temp dirs. Synchronous: safe in exit handlers. */
export function cleanupAll(): void {
  for (const c of children) if (!c.exited()) c.proc.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

let clkTck: number | undefined;

/** CPU time of a process (all threads: JS, libuv pool, the ZeroMQ I/O thread) in ms, from /proc. */
export function cpuMs(pid: number): number {
  clkTck ??= Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  // Fields after "(comm) ": state is [0], utime [11], stime [12] (proc(5), 1-based 14 and 15).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck;
}

/** Resident memory of a process in MB (VmRSS). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** Microseconds on CLOCK_MONOTONIC, which every process on this host shares (see interrupt.ts). */
export const monoUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Pings `id` until it reports `sleeping` (its first step is over and its loop waits). */
export async function untilSleeping(ipc: IpcCommandSystem, id: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await ipc.request(id, "ping", {}, { timeoutMs: 2000 });
    if (r.terminal.get(id)?.result?.state === "sleeping") return;
    if (Date.now() > deadline) throw new Error(`${id} never reported sleeping`);
    await sleep(10);
  }
}
