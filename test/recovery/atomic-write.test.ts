import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { atomicWriteFile } from "../../src/recovery/atomic-write.ts";
import { makeFixture, type SyncFixture } from "./fixtures.ts";

let fx: SyncFixture;
beforeEach(() => {
  fx = makeFixture();
});
afterEach(() => fx.cleanup());

describe("atomicWriteFile", () => {
  it("replaces a file's bytes", () => {
    const p = join(fx.base, "account.json");
    writeFileSync(p, "old\n");
    atomicWriteFile(p, "new\n");
    expect(readFileSync(p, "utf8")).toBe("new\n");
  });

  it("leaves the old file whole when the writer is killed between the temp write and the rename", async () => {
    const p = join(fx.base, "account.json");
    const old = `${JSON.stringify({ positions: [1, 2, 3] }, null, 2)}\n`;
    writeFileSync(p, old);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/recovery/crash-writer.ts", p, "x".repeat(100_000)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const temp = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /ready (\S+)\n/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`child exited ${code} before the rename point`)));
    });
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await exited;
    expect(readFileSync(p, "utf8")).toBe(old);
    // The durable temp file is left behind, never mistaken for the account (it starts with a dot).
    expect(existsSync(temp)).toBe(true);
    expect(readFileSync(temp).length).toBe(100_000);
  });
});
