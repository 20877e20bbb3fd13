import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildRegistry, loadRegistry, RegistryError } from "../../src/bot/registry.ts";

const valid = {
  name: "ping",
  help: { en: "Ask a process", zh: "询问进程" },
  usage: "/ping <target>",
  role: "viewer",
  confirm: () => false,
  schema: z.object({}),
  handler: async () => {},
};

describe("registry", () => {
  it("loads one command per file in commands/ (all of the README's chat commands)", async () => {
    const registry = await loadRegistry();
    expect(registry.list.map((c) => c.name)).toEqual([
      "help",
      "whoami",
      "status",
      "ping",
      "alerts",
      "history",
      "exit",
      "pause",
      "resume",
      "wake",
      "send",
      "mute",
      "unmute",
      "sync",
    ]);
    const roles = Object.fromEntries(registry.list.map((c) => [c.name, c.role]));
    for (const viewer of ["help", "whoami", "status", "ping", "alerts", "history"])
      expect(roles[viewer]).toBe("viewer");
    for (const op of ["exit", "pause", "resume", "wake", "send", "mute", "unmute", "sync"])
      expect(roles[op]).toBe("operator");
  });

  it("refuses a malformed definition, naming the file and the problem", () => {
    const bad = (def: unknown) => () => buildRegistry([["commands/bad.ts", { default: def }]]);
    expect(bad({ ...valid, role: "admin" })).toThrow(/commands\/bad\.ts: role/);
    expect(bad({ ...valid, handler: "nope" })).toThrow(/handler: must be a function/);
    expect(bad({ ...valid, schema: {} })).toThrow(/schema must be a zod schema/);
    expect(bad({ ...valid, usage: "/pong" })).toThrow(/usage must start with \/ping/);
    expect(bad({ ...valid, name: "Ping!" })).toThrow(RegistryError);
    expect(() => buildRegistry([["commands/x.ts", {}]])).toThrow(/no default export/);
    expect(() =>
      buildRegistry([
        ["a.ts", { default: valid }],
        ["b.ts", { default: valid }],
      ]),
    ).toThrow(/defined twice/);
  });

  it("refuses a file that cannot be loaded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mctl-cmds-"));
    try {
      writeFileSync(join(dir, "broken.mjs"), "export default {;");
      await expect(loadRegistry(dir)).rejects.toThrow(/commands\/broken\.mjs: cannot be loaded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
