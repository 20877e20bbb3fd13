import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildRegistry, loadRegistry } from "../../src/bot/registry.ts";

const valid = {
  name: "hello",
  help: { en: "Say hello", zh: "打个招呼" },
  usage: "/hello",
  role: "viewer",
  schema: z.object({}),
  handler: async () => {},
};

describe("a command's help line in every language", () => {
  const load = (help: unknown) => () =>
    buildRegistry([["commands/hello.ts", { default: { ...valid, help } }]]);

  it("is required: a definition missing a language is refused at start, naming the file", () => {
    expect(load({ en: "Say hello", zh: "打个招呼" })).not.toThrow();
    expect(load("Say hello")).toThrow(
      'commands/hello.ts: help: must give one line per language: { en: "…", zh: "…" }',
    );
    expect(load({ en: "Say hello" })).toThrow(
      'commands/hello.ts: help: no zh line (give { en: "…", zh: "…" })',
    );
    expect(load({ zh: "打个招呼" })).toThrow("help: no en line");
    expect(load({ en: "Say hello", zh: "" })).toThrow("help: the zh line must be 3-256 characters");
  });

  it("is checked in files of commands/ too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mctl-cmds-"));
    try {
      writeFileSync(
        join(dir, "hello.mjs"),
        `export default { name: "hello", help: { en: "Say hello" }, usage: "/hello", role: "viewer",
          schema: { safeParse: () => ({ success: true, data: {} }) }, handler: async () => {} };`,
      );
      await expect(loadRegistry(dir)).rejects.toThrow(/^commands\/hello\.mjs: help: no zh line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every built-in command has both", async () => {
    const registry = await loadRegistry();
    for (const c of registry.list) {
      expect(c.help.en.length, c.name).toBeGreaterThan(3);
      expect(c.help.zh.length, c.name).toBeGreaterThan(3);
      expect(c.help.zh, c.name).not.toBe(c.help.en);
    }
  });
});
