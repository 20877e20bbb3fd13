import { type ChildProcess, spawn } from "node:child_process";
import { cliArgs } from "../spawn-cli.ts";

/** A demo strategy child process. */
export interface DemoStrategy {
  id: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `missionctl strategy <id>` children in `ipcDir`. Their stderr is passed through with a
 * prefix; their JSON logs on stdout are dropped (the chat shows what matters).
 *
 * @example
 * const [mm1] = spawnDemoStrategies(dir, ["mm1"], { intervalMs: 20_000, stepMs: 1500 });
 */
export function spawnDemoStrategies(
  ipcDir: string,
  ids: string[],
  options: {
    intervalMs: number;
    stepMs: number;
    heartbeatMs: number;
    logLevel: string;
    /** Extra environment of one strategy's child (the demo's trading files). */
    env?: (id: string) => Record<string, string>;
  },
): DemoStrategy[] {
  return ids.map((id) => {
    const args = [
      "strategy",
      id,
      "--interval-ms",
      String(options.intervalMs),
      "--step-ms",
      String(options.stepMs),
      "--heartbeat-ms",
      String(options.heartbeatMs),
    ];
    const child = spawn(process.execPath, cliArgs(args), {
      env: { ...process.env, MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: options.logLevel, ...options.env?.(id) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) process.stderr.write(`[${id}] ${line}\n`);
    });
    const exited = new Promise<number | string>((resolve) => {
      child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    });
    return { id, child, exited };
  });
}

/** Ends the strategies still running: SIGTERM (their planned-exit path), SIGKILL after `graceMs`. */
export async function stopDemoStrategies(strategies: DemoStrategy[], graceMs = 5000): Promise<void> {
  await Promise.all(
    strategies.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill("SIGTERM");
      const timer = setTimeout(() => s.child.kill("SIGKILL"), graceMs);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
