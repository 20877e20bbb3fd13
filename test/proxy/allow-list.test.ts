/** The allow directory: read whole, swapped whole, bad files reported, admitted-then-removed keys named. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AllowList, logAllowListChange } from "../../src/proxy/allow-list.ts";
import { writeCertificatePair } from "../../src/proxy/certs.ts";
import { ProxyError } from "../../src/proxy/errors.ts";
import { captureLog } from "./helpers.ts";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-allow-"));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("AllowList", () => {
  it("a missing directory stops the start", () => {
    expect(() => new AllowList(join(dir, "nope"))).toThrow(ProxyError);
    expect(() => new AllowList(join(dir, "nope"))).toThrow(/does not exist or is not a directory/);
  });

  it("a directory others may write in is refused at start, and admits nobody on a reload", () => {
    const a = writeCertificatePair(dir, "a").publicKey;
    chmodSync(dir, 0o777);
    expect(() => new AllowList(dir)).toThrow(/is writable by group or others \(mode 777\): chmod go-w/);
    chmodSync(dir, 0o755);
    const allow = new AllowList(dir);
    expect(allow.reload().count).toBe(1);
    chmodSync(dir, 0o775);
    const change = allow.reload();
    expect(change.count).toBe(0);
    expect(allow.lookup(a)).toBeUndefined();
    expect(change.problems.join()).toMatch(/writable by group or others .*: admitting nobody/);
  });

  it("lists the *.key files; a bad one is reported and not admitted", () => {
    const mm1 = writeCertificatePair(dir, "mm1").publicKey;
    writeFileSync(join(dir, "junk.key"), 'curve\n    public-key = "short"\n');
    const allow = new AllowList(dir);
    const change = allow.reload();
    expect(change.count).toBe(1);
    expect(change.added).toEqual([{ key: mm1, file: "mm1.key" }]);
    expect(change.problems.join("\n")).toMatch(/junk\.key has no valid public-key/);
    expect(allow.lookup(mm1)).toBe("mm1.key");
  });

  it("a reload names removed keys, and those admitted since the start apart", () => {
    const a = writeCertificatePair(dir, "a").publicKey;
    const b = writeCertificatePair(dir, "b").publicKey;
    const allow = new AllowList(dir);
    allow.reload();
    allow.markAdmitted(a);
    rmSync(join(dir, "a.key"));
    rmSync(join(dir, "b.key"));
    const change = allow.reload();
    expect(change.removed.map((r) => r.key).sort()).toEqual([a, b].sort());
    expect(change.stillAdmitted).toEqual([{ key: a, file: "a.key" }]);
    const { logger, lines } = captureLog();
    logAllowListChange(logger, change);
    const warn = lines.find((l) => String(l.msg).includes("no longer listed"));
    expect(warn?.msg).toContain(`a.key (${a})`);
    expect(warn?.msg).not.toContain(b);
    expect(warn?.msg).toContain("restart the proxy to revoke them at once");
  });

  it("a directory that goes away empties the list (fail closed)", () => {
    const a = writeCertificatePair(dir, "a").publicKey;
    const allow = new AllowList(dir);
    allow.reload();
    rmSync(dir, { recursive: true });
    const change = allow.reload();
    expect(change.count).toBe(0);
    expect(allow.lookup(a)).toBeUndefined();
    expect(change.problems.join()).toMatch(/does not exist or is not a directory: admitting nobody/);
  });
});
