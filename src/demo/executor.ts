import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliArgs } from "../spawn-cli.ts";
import type { DemoStrategy } from "./strategies.ts";
import { DEMO_TRADING_ENV } from "./trading.ts";

/** The demo's simulated executor child, its sync map, and each strategy's trading environment. */
export interface DemoExecutor {
  process: DemoStrategy;
  /** The MISSIONCTL_SYNC_MAP file of the demo's bot. */
  syncMap: string;
  env: (id: string) => Record<string, string>;
}

/**
 * Starts `missionctl executor te1` under `dir` (its log in `dir/te1`, the strategies' files in
 * `dir/{id}`), hearing the bot, cli and the strategies, and writes the sync map for `/sync`.
 *
 * @example
 * const te = spawnDemoExecutor(ipcDir, join(ipcDir, "trading"), ["mm1", "mm2"], "chatops", "warn");
 */
export function spawnDemoExecutor(
  ipcDir: string,
  dir: string,
  strategies: string[],
  botId: string,
  logLevel: string,
): DemoExecutor {
  const id = "te1";
  const log = join(dir, id);
  mkdirSync(log, { recursive: true });
  const map = Object.fromEntries(
    strategies.map((s) => [
      s,
      { strategy: `demo.${s}`, base: join(dir, s), executor: id, executor_log: log },
    ]),
  );
  const syncMap = join(dir, "sync-map.json");
  writeFileSync(syncMap, `${JSON.stringify(map, null, 2)}\n`);
  const hear = [botId, "cli", ...strategies].join(",");
  const child = spawn(process.execPath, cliArgs(["executor", id, "--log-dir", log, "--hear", hear]), {
    env: { ...process.env, MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: logLevel },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n"))
      if (line.trim()) process.stderr.write(`[${id}] ${line}\n`);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return {
    process: { id, child, exited },
    syncMap,
    env: (s) => ({
      [DEMO_TRADING_ENV]: JSON.stringify({ base: join(dir, s), executor: id, strategy: `demo.${s}` }),
    }),
  };
}
