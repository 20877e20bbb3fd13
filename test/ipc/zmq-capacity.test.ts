import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { IpcError } from "../../src/ipc/errors.ts";
import { openFileLimit, reservePeerSockets } from "../../src/ipc/zmq-context.ts";
import { tempIpcDir } from "../helpers.ts";

const CHILD = fileURLToPath(new URL("../fixtures/capacity-child.ts", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Runs the child in a fresh process (a fresh ZeroMQ context) and returns its JSON line. */
async function hear(
  peers: number,
  mode: "reserve" | "default",
): Promise<{ up: string[]; warnings: string[] }> {
  const tmp = tempIpcDir();
  cleanups.push(tmp.cleanup);
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, tmp.dir, String(peers), mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise((r) => child.once("exit", r));
  expect({ code, err }).toEqual({ code: 0, err: "" });
  return JSON.parse(out);
}

describe("how many peers a ZmqTransport hears (issue 17: 1,000 processes over ipc)", () => {
  it("with room reserved, 400 peers (1,200 sockets, past libzmq's default 1,023) are all heard", async () => {
    const r = await hear(400, "reserve");
    expect(r.up).toEqual(["p0", "p399"]);
    // One more than reserved is refused with a warning, not a crash.
    expect(r.warnings).toEqual([expect.stringContaining("no room for another peer")]);
  }, 60_000);

  it("without, the context's own room is the limit: further peers are refused and logged, nothing crashes", async () => {
    const r = await hear(400, "default");
    expect(r.up).toEqual(["p0"]);
    expect(r.warnings).toEqual([expect.stringContaining("no room for another peer")]);
  }, 60_000);

  it("refuses at once what libzmq or the open-file limit cannot hold, saying what to change", () => {
    const refusal = (peers: number, files?: number) => {
      try {
        reservePeerSockets(peers, files);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const tooMany = refusal(1_000_000);
    expect(tooMany).toBeInstanceOf(IpcError);
    expect(tooMany).toMatchObject({ code: "CAPACITY", message: expect.stringContaining("MISSIONCTL_PROXY") });
    const files = refusal(1000, 1024);
    expect(files).toMatchObject({ code: "CAPACITY", message: expect.stringContaining("ulimit -n") });
    expect(refusal(100, 1024)).toBeUndefined();
  });

  it("reads the soft open-file limit from /proc/self/limits", () => {
    const limits = (soft: string) => () =>
      `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                20000                files\n`;
    expect(openFileLimit(limits("1024"))).toBe(1024);
    expect(openFileLimit(limits("unlimited"))).toBeUndefined();
    expect(openFileLimit(() => "garbage")).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw new Error("no /proc");
      }),
    ).toBeUndefined();
  });
});
