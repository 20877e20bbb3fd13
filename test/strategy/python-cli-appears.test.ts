import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { commandDir, IpcCommandSystem, ZmqTransport } from "../../src/ipc/index.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { pythonEnv } from "../interop/python-child.ts";
import { describePython, PYTHON } from "../python.ts";

// Issue 17, the Python package: its ZmqTransport dials a heard peer when the peer's socket file
// appears in IPC_DIR/command (inotify through libc), as the TypeScript one does. The Python `mm1`
// reconnects once a minute here, so only that watch can connect it to a `cli` started after it.
const PEER = `
import asyncio, sys
from missionctl.command_system import CommandSystem
from missionctl.transport import ZmqTransport

async def main(ipc_dir, watch):
    ipc = CommandSystem(ZmqTransport("mm1", ipc_dir=ipc_dir, reconnect_ms=(60_000, 60_000), watch_peers=watch))
    ipc.register_handler("ping", lambda cmd: {"state": "python"})
    await ipc.start()
    ipc.connect_to_process("cli")
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(sys.argv[1], sys.argv[2] == "watch"))
`;

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function pythonMm1(ipcDir: string, watch: boolean): Promise<void> {
  const child = spawn(PYTHON, ["-c", PEER, ipcDir, watch ? "watch" : "no-watch"], {
    env: pythonEnv(ipcDir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  await pollFor(
    () => out.includes("ready"),
    20_000,
    "the Python mm1",
    () => out,
  );
  expect(existsSync(join(commandDir(ipcDir), "mm1.ipc"))).toBe(true);
  // Its first dial (at connect) found no cli.ipc: the next would be a minute away.
  await new Promise((r) => setTimeout(r, 100));
}

async function cliRequest(ipcDir: string, joinWindowMs: number) {
  const cli = new IpcCommandSystem({ transport: new ZmqTransport({ id: "cli", ipcDir }) });
  await cli.start();
  cleanups.push(() => cli.stop());
  cli.connectToProcess("mm1");
  return cli.request("mm1", "ping", {}, { joinWindowMs });
}

describePython("a Python process and a cli that appears after it started (issue 17)", () => {
  it("connects when cli.ipc appears, not at libzmq's next reconnect attempt", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    await pythonMm1(tmp.dir, true);
    const result = await cliRequest(tmp.dir, 10_000);
    expect(result.ok).toBe(true);
    expect(result.terminal.get("mm1")?.result).toEqual({ state: "python" });
  });

  it("without the watch it does not hear cli in time (the control)", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    await pythonMm1(tmp.dir, false);
    const result = await cliRequest(tmp.dir, 1000);
    expect(result.missing.get("mm1")).toBe("not_connected");
  });
});
