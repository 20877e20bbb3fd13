import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commandDir, IpcCommandSystem, type TransportHandlers, ZmqTransport } from "../../src/ipc/index.ts";
import { createLogger } from "../../src/log.ts";
import { tempIpcDir } from "../helpers.ts";

// Issue 17: a ZmqTransport with watchPeers (what the strategy runtime turns on) watches
// IPC_DIR/command and dials a heard peer whose socket file appears, instead of waiting out libzmq's
// reconnect backoff. A minute-long reconnect interval leaves the watch as the only way the two meet
// during a test.
const A_MINUTE = { intervalMs: 60_000, maxIntervalMs: 60_000 };

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** `mm1` hearing `cli`, with its debug log lines kept. */
async function listener(ipcDir: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const mm1 = new IpcCommandSystem({
    transport: new ZmqTransport({ id: "mm1", ipcDir, reconnectMs: A_MINUTE, watchPeers: true, logger }),
    logger,
  });
  mm1.registerHandler("ping", () => ({ pong: true }));
  await mm1.start();
  cleanups.push(() => mm1.stop());
  mm1.connectToProcess("cli");
  const dials = () => lines.filter((l) => l.msg === "dialling the peer now" && l.peer === "cli").length;
  return { mm1, dials };
}

/** A transport that counts the `mm1.` subscriptions its publisher holds: one per mm1 connection. */
class CountingTransport extends ZmqTransport {
  mm1Subscriptions = 0;
  override setHandlers(handlers: TransportHandlers): void {
    super.setHandlers({
      ...handlers,
      subscription: (topic, subscribed) => {
        if (topic === "mm1.") this.mm1Subscriptions += subscribed ? 1 : -1;
        handlers.subscription(topic, subscribed);
      },
    });
  }
}

async function cli(ipcDir: string): Promise<{ system: IpcCommandSystem; transport: CountingTransport }> {
  const transport = new CountingTransport({ id: "cli", ipcDir });
  const system = new IpcCommandSystem({ transport });
  await system.start();
  cleanups.push(() => system.stop());
  system.connectToProcess("mm1");
  return { system, transport };
}

/** Leaves a socket file nobody listens on, as a killed process does. */
async function staleSocketFile(path: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ],
    { stdio: "ignore" },
  );
  await new Promise((r) => child.once("exit", r));
  expect(existsSync(path)).toBe(true);
}

describe("ZmqTransport dials a heard peer when its socket file appears (issue 17)", () => {
  it("the request goes through at once, with one dial for the appearance", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const { dials } = await listener(tmp.dir);
    const { system: sender } = await cli(tmp.dir);
    const result = await sender.request("mm1", "ping", {}, { joinWindowMs: 10_000 });
    expect(result.ok).toBe(true);
    expect(result.terminal.get("mm1")?.result).toEqual({ pong: true });
    expect(dials()).toBe(1);
  });

  it("a stale socket file replaced by a bind (two directory events) is one dial, one connection", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const { dials } = await listener(tmp.dir);
    const stale = join(commandDir(tmp.dir), "cli.ipc");
    await staleSocketFile(stale);
    // The stale file's own appearance was dialled too (someone listened for a moment): count from here.
    await new Promise((r) => setTimeout(r, 100));
    const before = dials();
    const { system: sender, transport } = await cli(tmp.dir);
    const result = await sender.request("mm1", "ping", {}, { joinWindowMs: 10_000 });
    expect(result.ok).toBe(true);
    expect(dials() - before).toBe(1);
    // One connection from mm1: a second dial while the first connected would leave two, each
    // delivering every frame cli publishes.
    await new Promise((r) => setTimeout(r, 100));
    expect(transport.mm1Subscriptions).toBe(1);
  });
});
