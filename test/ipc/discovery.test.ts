import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchCommandDir } from "../../src/ipc/discovery.ts";
import { commandDir } from "../../src/ipc/index.ts";
import { flush, tempIpcDir, until } from "../helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function setup() {
  const tmp = tempIpcDir();
  const ipcDir = join(tmp.dir, "ipc");
  const found: string[] = [];
  cleanups.push(tmp.cleanup);
  const watch = (exclude: string[] = []) => {
    const stop = watchCommandDir(ipcDir, (id) => found.push(id), { exclude });
    cleanups.push(stop);
    return stop;
  };
  return { ipcDir, dir: commandDir(ipcDir), found, watch };
}

describe("watchCommandDir", () => {
  it("creates IPC_DIR and IPC_DIR/command with mode 0700", () => {
    const s = setup();
    s.watch();
    expect(statSync(s.ipcDir).mode & 0o777).toBe(0o700);
    expect(statSync(s.dir).mode & 0o777).toBe(0o700);
  });

  it("reports processes already there, excluding our own id", () => {
    const s = setup();
    s.watch(); // creates the directory
    cleanups.pop()?.();
    writeFileSync(join(s.dir, "mm1.ipc"), "");
    writeFileSync(join(s.dir, "chatops.ipc"), "");
    s.found.length = 0;
    s.watch(["chatops"]);
    expect(s.found).toEqual(["mm1"]);
  });

  it("reports a new {id}.ipc once, and ignores other names", async () => {
    const s = setup();
    s.watch();
    for (const name of ["notes.txt", "bad.id.ipc", "has space.ipc", "mm2.ipc.lock", "mm2.ipc"]) {
      writeFileSync(join(s.dir, name), "");
    }
    await until(() => s.found.includes("mm2"), 5000, "mm2 discovered");
    writeFileSync(join(s.dir, "mm2.ipc"), "again");
    writeFileSync(join(s.dir, "mm3.ipc"), "");
    await until(() => s.found.includes("mm3"), 5000, "mm3 discovered");
    expect(s.found).toEqual(["mm2", "mm3"]);
  });

  it("reports nothing after stop()", async () => {
    const s = setup();
    const stop = s.watch();
    stop();
    writeFileSync(join(s.dir, "late.ipc"), "");
    // A control watcher proves the event was emitted; the stopped one stayed silent.
    const control: string[] = [];
    const stopControl = watchCommandDir(s.ipcDir, (id) => control.push(id));
    cleanups.push(stopControl);
    writeFileSync(join(s.dir, "later.ipc"), "");
    await until(() => control.includes("later"), 5000, "control watcher");
    await flush();
    expect(s.found).toEqual([]);
  });
});
