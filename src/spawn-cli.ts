import { fileURLToPath } from "node:url";

/**
 * The node arguments that run this same `missionctl` (source through tsx, or the build) with
 * `args`, for processes the CLI starts itself (the demo's strategies).
 *
 * @example
 * spawn(process.execPath, cliArgs(["strategy", "mm1"]));
 */
export function cliArgs(args: string[]): string[] {
  const isSource = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(isSource ? "./cli.ts" : "./cli.js", import.meta.url));
  return isSource ? ["--import", import.meta.resolve("tsx"), entry, ...args] : [entry, ...args];
}
