/** Runs `missionctl` as a real child process (tsx, the repository's sources) for e2e tests. */
import { type ChildProcess, spawn } from "node:child_process";

export interface Child {
  proc: ChildProcess;
  /** stdout and stderr chunks, interleaved as they arrived. */
  output: string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/**
 * Starts `missionctl <args>` with `env` over the current environment (LOG_LEVEL info).
 *
 * @example
 * const bot = missionctl(["bot"], { TELEGRAM_BOT_TOKEN: "123:TEST", TELEGRAM_API_ROOT: root });
 */
export function missionctl(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  proc.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  proc.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, output, exit };
}

export const exited = (child: Child): boolean =>
  child.proc.exitCode !== null || child.proc.signalCode !== null;
