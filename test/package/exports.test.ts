/**
 * The package as a user gets it: `npm pack`, unpacked into a fresh folder's node_modules, imported by
 * name (`missionctl`, `missionctl/testing`). The README's examples (examples/strategy.ts and
 * examples/hello.ts) are type-checked against the packed types, and the /hello command, written
 * against the package's exports only, runs under `missionctl/testing`.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempIpcDir } from "../helpers.ts";

const root = resolve(import.meta.dirname, "../..");
const tmp = tempIpcDir();
const app = join(tmp.dir, "app");
const pkg = join(app, "node_modules", "missionctl");
const tsx = join(root, "node_modules", "tsx", "dist", "loader.mjs");

beforeAll(() => {
  // prepack builds dist/ first, as for a publish.
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tmp.dir], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out.slice(out.indexOf("["))) as [{ filename: string }];
  const { filename } = packed;
  mkdirSync(pkg, { recursive: true });
  execFileSync("tar", ["-xzf", join(tmp.dir, filename), "-C", pkg, "--strip-components=1"]);
  // What `npm install` would add beside the package: its dependencies (the repository's, offline).
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"));
  for (const f of ["strategy.ts", "hello.ts"]) copyFileSync(join(root, "examples", f), join(app, f));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
}, 180_000);
afterAll(() => tmp.cleanup());

const run = (file: string, code: string) => {
  writeFileSync(join(app, file), code);
  return execFileSync(process.execPath, ["--import", `file://${tsx}`, file], {
    cwd: app,
    encoding: "utf8",
    timeout: 60_000,
  });
};

describe("the packed package", () => {
  it("ships the build, the commands and the bin, and no sources or tests", () => {
    const top = readdirSync(pkg).sort();
    expect(top).toEqual([".env.example", "README.md", "bin", "dist", "node_modules", "package.json"]);
    expect(readdirSync(join(pkg, "dist"))).toEqual(expect.arrayContaining(["src", "commands"]));
  });

  it("the README shows the examples as they are in examples/", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain(readFileSync(join(root, "examples", "hello.ts"), "utf8"));
    const strategy = readFileSync(join(root, "examples", "strategy.ts"), "utf8");
    expect(readme).toContain(strategy.slice(strategy.indexOf("\n") + 1)); // all but its run line
  });

  it("the README's examples type-check against the packed types", () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(root, "node_modules", "@types")],
          types: ["node"],
        },
        include: ["strategy.ts", "hello.ts"],
      }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    expect(() => execFileSync(process.execPath, [tsc, "-p", app], { encoding: "utf8" })).not.toThrow();
  });

  it("a /hello command written against the package runs under missionctl/testing", () => {
    const out = run(
      "hello.test.ts",
      `
      import { createHarness } from "missionctl/testing";
      import hello from "./hello.ts";
      const h = await createHarness({ operators: [1], commands: [hello] });
      await h.addStrategy("mm1");
      await h.send(1, "/hello");
      console.log((await h.waitForMessage(/^Hello/)).text);
      await h.send(1, "/help");
      console.log((await h.waitForMessage(/^missionctl commands/)).text.split("\\n").find((l) => l.startsWith("/hello")));
      await h.close();
      `,
    );
    expect(out.trim().split("\n")).toEqual([
      expect.stringMatching(/^Hello, .+! [01] processes are up\.$/),
      "/hello — Say hello, and how many processes are up",
    ]);
  });

  it("`missionctl` exports an explicit list: the pieces to build with, no internals", () => {
    const out = run(
      "names.ts",
      `import * as m from "missionctl"; console.log(Object.keys(m).sort().join(","));`,
    );
    const names = out.trim().split(",");
    expect(names).toEqual(
      expect.arrayContaining([
        "IpcCommandSystem",
        "ZmqTransport",
        "runStrategy",
        "createBotRuntime",
        "defineCommand",
      ]),
    );
    for (const internal of [
      "PendingRequest",
      "Sleeper",
      "StepRun",
      "registerBuiltinCommands",
      "createMonitor",
    ]) {
      expect(names).not.toContain(internal);
    }
    expect(readFileSync(join(root, "src", "index.ts"), "utf8")).not.toMatch(/export \*/);
  });

  it("the bin runs the build where there is no source", () => {
    const out = execFileSync(process.execPath, [join(pkg, "bin", "missionctl.js"), "--help"], {
      encoding: "utf8",
    });
    expect(out).toMatch(/^missionctl — chat-ops for trading strategies/);
  });
});
