/**
 * Trust of the IPC directory (docs/security.md): IPC_DIR and IPC_DIR/command must be real
 * directories, ours, with no group/other bits, or nothing binds or connects there. Checked on the
 * functions and on real `missionctl` processes, which refuse with one line and exit 2.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commandDir, ensureIpcDir, IpcError, ZmqTransport } from "../../src/ipc/index.ts";
import { lines, runCli } from "../cli/run-cli.ts";
import { tempIpcDir } from "../helpers.ts";

const isRoot = process.getuid?.() === 0;

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function scratch(): string {
  const tmp = tempIpcDir();
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

const refusal = (ipcDir: string): IpcError => {
  try {
    ensureIpcDir(ipcDir);
  } catch (err) {
    if (err instanceof IpcError) return err;
    throw err;
  }
  throw new Error(`${ipcDir} was accepted`);
};

describe("ensureIpcDir", () => {
  it("creates IPC_DIR (and missing parents) and IPC_DIR/command with mode 0700", () => {
    const ipcDir = join(scratch(), "a", "ipc");
    expect(ensureIpcDir(ipcDir)).toBe(commandDir(ipcDir));
    for (const d of [join(ipcDir, ".."), ipcDir, commandDir(ipcDir)]) {
      expect(statSync(d).mode & 0o777).toBe(0o700);
    }
    expect(() => ensureIpcDir(ipcDir)).not.toThrow(); // ours and tight: accepted again
  });

  it("refuses a directory open to others, and does not chmod it", () => {
    const ipcDir = join(scratch(), "ipc");
    mkdirSync(ipcDir, { mode: 0o700 });
    chmodSync(ipcDir, 0o777);
    const err = refusal(ipcDir);
    expect(err.code).toBe("UNSAFE_IPC_DIR");
    expect(err.message).toBe(
      `unsafe IPC directory ${ipcDir}: it has mode 777, open to group or others; run \`chmod 700 ${ipcDir}\``,
    );
    expect(statSync(ipcDir).mode & 0o777).toBe(0o777);
    expect(existsSync(commandDir(ipcDir))).toBe(false);
  });

  it("refuses IPC_DIR/command open to the group even when IPC_DIR is tight", () => {
    const ipcDir = join(scratch(), "ipc");
    mkdirSync(commandDir(ipcDir), { recursive: true, mode: 0o700 });
    chmodSync(commandDir(ipcDir), 0o750);
    expect(refusal(ipcDir).message).toContain(`${commandDir(ipcDir)}: it has mode 750`);
  });

  it("refuses a symbolic link, even to a directory of ours", () => {
    const base = scratch();
    mkdirSync(join(base, "real"), { mode: 0o700 });
    symlinkSync(join(base, "real"), join(base, "ipc"));
    expect(refusal(join(base, "ipc")).message).toContain("is a symbolic link");
  });

  it("refuses a file where the directory should be", () => {
    const base = scratch();
    writeFileSync(join(base, "ipc"), "");
    expect(refusal(join(base, "ipc")).message).toContain("is not a directory");
  });

  it.runIf(isRoot)("refuses a directory that belongs to another user", () => {
    const ipcDir = join(scratch(), "ipc");
    mkdirSync(ipcDir, { mode: 0o700 });
    chownSync(ipcDir, 65534, 65534);
    expect(refusal(ipcDir).message).toContain(`belongs to uid 65534, not to you (uid 0)`);
  });

  it("a transport does not bind in a directory it refuses", async () => {
    const ipcDir = join(scratch(), "ipc");
    mkdirSync(commandDir(ipcDir), { recursive: true, mode: 0o700 });
    chmodSync(ipcDir, 0o777);
    const t = new ZmqTransport({ id: "mm1", ipcDir });
    await expect(t.start()).rejects.toMatchObject({ code: "UNSAFE_IPC_DIR" });
    await t.close();
    expect(readdirSync(commandDir(ipcDir))).toEqual([]);
  });
});

describe("missionctl in a directory made 0777 by someone else", () => {
  it.each([
    ["send", ["send", "*", "finish_and_exit"]],
    ["strategy", ["strategy", "mm1"]],
    ["bot", ["bot"]],
  ])("%s refuses with one line and exit 2, binding nothing", async (_name, args) => {
    const ipcDir = join(scratch(), "ipc");
    mkdirSync(commandDir(ipcDir), { recursive: true, mode: 0o700 });
    chmodSync(ipcDir, 0o777);
    if (isRoot) chownSync(ipcDir, 65534, 65534);
    const r = await runCli(args, {
      MISSIONCTL_IPC_DIR: ipcDir,
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^missionctl: unsafe IPC directory ${ipcDir}: it `));
    expect(readdirSync(commandDir(ipcDir))).toEqual([]);
    expect(existsSync(join(ipcDir, "locks"))).toBe(false);
  });
});
