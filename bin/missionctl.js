#!/usr/bin/env node
// In a checkout (src/ and tsx present) runs the TypeScript source, so it is never a stale build;
// in an installed package runs the build (npm pack runs `npm run build` first).
import { existsSync } from "node:fs";

const source = new URL("../src/cli.ts", import.meta.url);
const built = new URL("../dist/src/cli.js", import.meta.url);
let tsx;
try {
  tsx = existsSync(source) ? await import("tsx/esm/api") : undefined;
} catch {
  tsx = undefined;
}
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  console.error("missionctl: no build found; run `npm run build` (or install the dev dependencies)");
  process.exitCode = 1;
}
