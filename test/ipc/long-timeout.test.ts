import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.ts";
import { encodeFrame, type IpcCommand, PendingRequest, type RequestHost } from "../../src/ipc/index.ts";

// Issue 10: on the real clock, Node fires a timer over 2^31−1 ms after 1 ms, so a reply timeout of
// 3e9 ms timed every command out at once. MISSIONCTL_REPLY_TIMEOUT_MS is now capped at an hour, but
// the request API takes any timeout, and it must mean what it says.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PendingRequest on the system clock (issue 10)", () => {
  it("a 3e9 ms timeout does not time out at once: the request still waits after 100 ms", async () => {
    const host: RequestHost = {
      clock: systemClock,
      publish: async () => {},
      reachable: () => true,
      present: () => ["mm1"],
    };
    const command: IpcCommand = {
      command_id: "bot_1_1",
      sender_id: "bot",
      target_id: "mm1",
      command_type: "ping",
      payload: {},
      timestamp: 1,
    };
    const abort = new AbortController();
    const req = new PendingRequest(
      command,
      encodeFrame(command),
      host,
      { timeoutMs: 3_000_000_000, signal: abort.signal },
      () => {},
    );
    let outcome = "pending";
    req.promise.then(
      (r) => {
        outcome = r.missing.get("mm1") ?? "ok";
      },
      (err: { code?: string }) => {
        outcome = err.code ?? "error";
      },
    );
    req.start();
    await sleep(100);
    expect(outcome).toBe("pending");
    abort.abort("test over");
    await sleep(0);
    expect(outcome).toBe("ABORTED");
  });
});
