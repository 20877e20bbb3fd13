import { afterEach, describe, expect, it } from "vitest";
import { type IpcCommand, IpcCommandSystem, ZmqTransport } from "../../src/ipc/index.ts";
import { runStrategy, type StrategyHandle } from "../../src/strategy/run.ts";
import { tempIpcDir } from "../helpers.ts";

// Issue 17: a strategy hears `cli`, which exists only while a `missionctl send` runs. Its SUB used
// to find a new `cli` at libzmq's next reconnect attempt (up to 500 ms later); it now dials when the
// socket file appears in IPC_DIR/command. libzmq's reconnect interval is set to a minute here, so
// only the directory watch can connect the two within the test.
const A_MINUTE = { intervalMs: 60_000, maxIntervalMs: 60_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/**
 * `mm1` hearing only `cli` (absent), on a real ZeroMQ transport with a one-minute reconnect
 * interval; the runtime turns the directory watch on unless the transport says `watchPeers: false`.
 */
async function strategyHearingCli(ipcDir: string, watchPeers?: false): Promise<StrategyHandle> {
  const strategy = runStrategy(
    { id: "mm1", intervalMs: 600_000, step: () => {} },
    {
      transport: new ZmqTransport({
        id: "mm1",
        ipcDir,
        reconnectMs: A_MINUTE,
        ...(watchPeers === false ? { watchPeers } : {}),
      }),
      hear: ["cli"],
      process: false,
      lingerMs: 0,
    },
  );
  cleanups.push(async () => {
    await strategy.stop("test over", { now: true });
    await strategy.done;
  });
  expect(await strategy.started).toBe(true);
  // Its first dial (at connect) found no cli.ipc: the next would be a minute away.
  await sleep(100);
  return strategy;
}

async function startCli(ipcDir: string): Promise<IpcCommandSystem> {
  const cli = new IpcCommandSystem({ transport: new ZmqTransport({ id: "cli", ipcDir }) });
  await cli.start();
  cleanups.push(() => cli.stop());
  cli.connectToProcess("mm1");
  return cli;
}

describe("a strategy and a cli that appears after it started (issue 17)", () => {
  it("connects when cli.ipc appears, not at libzmq's next reconnect attempt", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const strategy = await strategyHearingCli(tmp.dir);
    const pings: IpcCommand[] = [];
    strategy.ipc.on("message", (command) => {
      if (command.command_type === "ping") pings.push(command);
    });
    const cli = await startCli(tmp.dir);
    const result = await cli.request("mm1", "ping", {}, { joinWindowMs: 10_000 });
    expect(result.ok).toBe(true);
    expect(result.terminal.get("mm1")?.result).toMatchObject({ state: "sleeping" });
    // Executed once: the re-dial lost nothing and duplicated nothing the strategy acted on.
    expect(pings.map((p) => p.command_id)).toEqual([result.command.command_id]);
    expect(strategy.ipc.presence.has("cli")).toBe(true);
    expect(cli.presence.has("mm1")).toBe(true);
  });

  it("a second send after the first one left is heard at once too", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const strategy = await strategyHearingCli(tmp.dir);
    for (let run = 0; run < 2; run++) {
      const cli = await startCli(tmp.dir);
      const result = await cli.request("mm1", "ping", {}, { joinWindowMs: 10_000 });
      expect(result.ok).toBe(true);
      await cli.stop();
      // The strategy sees the cli leave (its unsubscription), and its link towards it goes down.
      for (let i = 0; i < 200 && strategy.ipc.presence.has("cli"); i++) await sleep(10);
      expect(strategy.ipc.presence.has("cli")).toBe(false);
    }
  });

  it("without the directory watch, the same strategy does not hear cli in time (the control)", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    await strategyHearingCli(tmp.dir, false);
    const cli = await startCli(tmp.dir);
    const result = await cli.request("mm1", "ping", {}, { joinWindowMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.missing.get("mm1")).toBe("not_connected");
  });
});
