/**
 * The package as a consumer gets it: built with `npm run build`'s config, imported by name
 * (`missionctl`, `missionctl/testing`) through package.json's exports, and the bin run from it.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempIpcDir } from "../helpers.ts";

const root = resolve(import.meta.dirname, "../..");
const tmp = tempIpcDir();
const pkg = join(tmp.dir, "node_modules", "missionctl");

beforeAll(() => {
  mkdirSync(pkg, { recursive: true });
  for (const f of ["package.json", "bin"]) cpSync(join(root, f), join(pkg, f), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(
    process.execPath,
    [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", join(pkg, "dist")],
    {
      stdio: "pipe",
    },
  );
}, 120_000);
afterAll(() => tmp.cleanup());

const consumer = (code: string) => {
  const file = join(tmp.dir, `consumer-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: tmp.dir, encoding: "utf8", timeout: 60_000 });
};

describe("the built package", () => {
  it("`missionctl/testing` runs a scripted bot test from the build", () => {
    const out = consumer(`
      import { createHarness } from "missionctl/testing";
      const h = await createHarness({ operators: [1] });
      await h.addStrategy("mm1");
      await h.send(1, "/exit mm1");
      const m = await h.waitForMessage(/mm1: ok/);
      console.log(m.text.split("\\n")[1].replace(/[\\d.]+ m?s/, "T"));
      await h.close();
    `);
    expect(out.trim()).toBe("mm1: ok, T — exited after finishing its step");
  });

  it("`missionctl` exports the IPC, runtime, monitor and bot pieces", () => {
    const out = consumer(`
      import * as m from "missionctl";
      console.log(["IpcCommandSystem", "ZmqTransport", "MemoryTransport", "runStrategy", "createMonitor",
        "createBotRuntime", "loadConfig", "encodeFrame"].map((k) => typeof m[k]).join(","));
    `);
    expect(out.trim()).toBe(Array(8).fill("function").join(","));
  });

  it("the bin runs the build where there is no source", () => {
    const out = execFileSync(process.execPath, [join(pkg, "bin", "missionctl.js"), "--help"], {
      encoding: "utf8",
    });
    expect(out).toMatch(/^missionctl — chat-ops for trading strategies/);
  });
});
