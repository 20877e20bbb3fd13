import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import {
  IpcCommandSystem,
  MemoryHub,
  MemoryTransport,
  plainAddressProblem,
  ZmqTransport,
} from "../../src/ipc/index.ts";
import { runCli } from "../cli/run-cli.ts";

describe("plain (non-CURVE) addresses are loopback or ipc only", () => {
  it.each(["ipc:///tmp/x/command/mm1.ipc", "tcp://127.0.0.1:7001", "tcp://127.8.9.10:1", "tcp://[::1]:7001"])(
    "%s is accepted",
    (address) => expect(plainAddressProblem(address)).toBeUndefined(),
  );

  it.each([
    ["tcp://0.0.0.0:7001", "not a loopback address"],
    ["tcp://10.1.2.3:7001", "not a loopback address"],
    ["tcp://*:7001", "not a loopback address"],
    ["tcp://eth0:7001", "not a loopback address"],
    ["tcp://[::]:7001", "not a loopback address"],
    ["tcp://127.0.0.1:99999", "out of range"],
    ["tcp://127.0.0.1", "not tcp://HOST:PORT"],
    ["udp://127.0.0.1:1", "not tcp://HOST:PORT"],
    ["ipc://", "needs a path"],
  ])("%s is refused (%s)", (address, why) => expect(plainAddressProblem(address)).toContain(why));

  it("configuration refuses a tcp process on a network interface with one line", () => {
    expect(() =>
      loadConfig(
        { MISSIONCTL_PROCESSES: "mm1=tcp://127.0.0.1:7001,mm2=tcp://0.0.0.0:7002" },
        { envFile: false },
      ),
    ).toThrow(
      /^invalid configuration:\n {2}MISSIONCTL_PROCESSES: mm2: tcp:\/\/0\.0\.0\.0:7002 is not a loopback address/,
    );
  });

  it("the transport refuses to bind or connect to one", () => {
    expect(
      () => new ZmqTransport({ id: "mm1", ipcDir: "/tmp/x", bindAddress: "tcp://0.0.0.0:7001" }),
    ).toThrow(/not a loopback address/);
    const ipc = new IpcCommandSystem({ id: "bot", transport: new MemoryTransport(new MemoryHub(), "bot") });
    expect(() => ipc.connectToProcess("mm1=tcp://192.168.1.5:7001")).toThrow(/not a loopback address/);
    expect(ipc.heardProcesses()).toEqual([]);
  });

  it("missionctl strategy --hear with one is a usage error (exit 2)", async () => {
    const r = await runCli(["strategy", "mm1", "--hear", "chatops=tcp://0.0.0.0:7001"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--hear: tcp://0.0.0.0:7001 is not a loopback address");
  });
});
