import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listProcessIds, socketProcessId } from "../../src/ipc/discovery.ts";
import { commandDir } from "../../src/ipc/ipc-dir.ts";
import { tempIpcDir } from "../helpers.ts";

describe("the one scan of IPC_DIR/command", () => {
  const { dir, cleanup } = tempIpcDir();
  afterAll(() => cleanup());

  it("names the process of each socket file, and nothing else", () => {
    expect(socketProcessId("mm1.ipc")).toBe("mm1");
    for (const name of ["mm1.sock", "mm.1.ipc", ".ipc", "mm1.ipc.tmp"])
      expect(socketProcessId(name)).toBeUndefined();
  });

  it("lists the process ids present, and none when the directory is missing", () => {
    expect(listProcessIds(join(dir, "absent"))).toEqual([]);
    mkdirSync(commandDir(dir), { recursive: true, mode: 0o700 });
    for (const name of ["mm1.ipc", "mm2.ipc", "notes.txt", "bad id.ipc"])
      writeFileSync(join(commandDir(dir), name), "");
    expect(listProcessIds(dir)).toEqual(["mm1", "mm2"]);
  });
});
