import { type ChildProcess, spawn } from "node:child_process";

/** What one `missionctl` invocation printed and how it ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `missionctl` child: its output so far and its end. */
export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<CliResult>;
}

/**
 * Starts `node --import tsx src/cli.ts ...args` from the repository root, with TELEGRAM_BOT_TOKEN
 * empty and `env` on top of this process's environment.
 */
export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, TELEGRAM_BOT_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolve) => {
    // "close", not "exit": every byte of stdout and stderr has been read by then.
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `missionctl ...args` to its end; kills it (and fails) after `timeoutMs`. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const run = startCli(args, env);
  const timer = setTimeout(() => run.child.kill("SIGKILL"), timeoutMs);
  try {
    const result = await run.done;
    if (result.signal === "SIGKILL")
      throw new Error(`missionctl ${args.join(" ")} did not end in ${timeoutMs} ms: ${result.stderr}`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The non-empty lines of `text`. */
export const lines = (text: string): string[] => text.split("\n").filter((l) => l.trim() !== "");
