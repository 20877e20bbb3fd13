/**
 * Which `missionctl` the bench runs. An installed missionctl runs its tsc build (bin/missionctl.js);
 * a checkout runs the source through tsx, whose loader adds a worker thread (its own V8 isolate,
 * about 30 MB resident) and per-closure name helpers. The bench measures the production artifact:
 * it compiles src/ and commands/ with tsconfig.build.json into a temp dir (a few seconds) and spawns
 * that. BENCH_FROM_SOURCE=1, or a build that fails, runs the source through tsx instead (src/spawn-cli.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliArgs } from "../src/spawn-cli.ts";
import { progress, tempDir } from "./common.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
let args: ((cli: string[]) => string[]) | undefined;
let label = "";

/** Builds once; returns how the CLI is run ("build" or "source (tsx)"). */
export function prepareCli(): string {
  if (args) return label;
  if (process.env.BENCH_FROM_SOURCE) return use(cliArgs, "source (tsx), BENCH_FROM_SOURCE set");
  const out = join(tempDir(), "build");
  try {
    execFileSync(
      join(root, "node_modules/.bin/tsc"),
      ["-p", join(root, "tsconfig.build.json"), "--outDir", out],
      {
        stdio: "pipe",
      },
    );
  } catch (err) {
    // tsc emits despite type errors (exit 2); only a missing entry point means no usable build.
    const stdout = (err as { stdout?: Buffer }).stdout?.toString() ?? "";
    if (!existsSync(join(out, "src/cli.js"))) {
      progress("build", `tsc build failed, running the source through tsx: ${stdout.slice(0, 300)}`);
      return use(cliArgs, "source (tsx), build failed");
    }
  }
  // ESM scope and dependencies for the compiled files, as in the installed package.
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(root, "node_modules"), join(out, "node_modules"), "dir");
  const entry = join(out, "src/cli.js");
  return use((cli) => [entry, ...cli], "tsc build of src/ (node, no tsx)");
}

function use(fn: (cli: string[]) => string[], how: string): string {
  args = fn;
  label = how;
  return how;
}

/** Node arguments for `missionctl <cli...>` as prepared (source through tsx until prepareCli ran). */
export const missionctlArgs = (cli: string[]): string[] => (args ?? cliArgs)(cli);
