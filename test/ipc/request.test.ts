import { describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import {
  encodeFrame,
  type IpcCommand,
  PendingRequest,
  type ReplyPayload,
  type RequestHost,
  type RequestOptions,
} from "../../src/ipc/index.ts";

function setup(target: string, options: RequestOptions = {}, present: string[] = []) {
  const clock = new FakeClock(0);
  const publishes: number[] = [];
  const up = new Set(present);
  const host: RequestHost = {
    clock,
    publish: async () => {
      publishes.push(clock.now());
    },
    reachable: (id) => up.has(id),
    present: (t) =>
      [...up].filter((id) => (t === "*" ? true : t.endsWith("*") ? id.startsWith(t.slice(0, -1)) : id === t)),
  };
  const command: IpcCommand = {
    command_id: "bot_1_1",
    sender_id: "bot",
    target_id: target,
    command_type: "ping",
    payload: {},
    timestamp: 1,
  };
  let done = 0;
  const req = new PendingRequest(command, encodeFrame(command), host, options, () => done++);
  let settled = false;
  req.promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const reply = (from: string, status: ReplyPayload["status"]) =>
    req.onReply(from, { reply_to: "bot_1_1", status, result: {} }, { ...command, sender_id: from });
  return { clock, publishes, up, req, reply, settled: () => settled, done: () => done };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("PendingRequest", () => {
  it("re-sends on a 100, 200, 400, 800, 1600, 3200, 3200… ms backoff until the timeout", async () => {
    const s = setup("mm1", { timeoutMs: 10_000 }, ["mm1"]);
    s.req.start();
    s.clock.advance(10_000);
    const result = await s.req.promise;
    expect(s.publishes).toEqual([0, 100, 300, 700, 1500, 3100, 6300, 9500]);
    expect(result.sends).toBe(8);
    expect(result.missing.get("mm1")).toBe("timeout");
    expect(s.clock.pendingTimers).toBe(0);
    expect(s.done()).toBe(1);
  });

  it("stops re-sending once the terminal reply is in; an accepted reply does not stop it", async () => {
    const s = setup("mm1", {}, ["mm1"]);
    s.req.start();
    s.reply("mm1", "accepted");
    s.clock.advance(300);
    expect(s.publishes).toEqual([0, 100, 300]);
    s.reply("mm1", "ok");
    const result = await s.req.promise;
    expect(result.ok).toBe(true);
    expect(s.clock.pendingTimers).toBe(0);
    s.reply("mm1", "error"); // late duplicates are ignored
    expect(result.terminal.get("mm1")?.status).toBe("ok");
  });

  it("a unicast waits in the join window and sends when the target becomes reachable", async () => {
    const s = setup("mm1", { joinWindowMs: 1500 });
    s.req.start();
    s.clock.advance(1000);
    expect(s.publishes).toEqual([]);
    s.up.add("mm1");
    s.req.onPeer("mm1", true);
    expect(s.publishes).toEqual([1000]);
    s.reply("mm1", "ok");
    expect((await s.req.promise).ok).toBe(true);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("a peer that drops and comes back within the settle window is still expected", async () => {
    const s = setup("mm*", { settleMs: 300 }, ["mm1", "mm2"]);
    s.req.start();
    s.reply("mm2", "ok");
    s.up.delete("mm1");
    s.req.onPeer("mm1", false);
    s.clock.advance(200);
    s.up.add("mm1");
    s.req.onPeer("mm1", true);
    s.clock.advance(200);
    await tick();
    expect(s.settled()).toBe(false);
    s.reply("mm1", "ok");
    const result = await s.req.promise;
    expect(result.ok).toBe(true);
    expect(result.expected).toEqual(["mm1", "mm2"]);
  });

  it("a peer that drops for good is missing as 'disconnected' after the settle window", async () => {
    const s = setup("mm*", { settleMs: 300 }, ["mm1", "mm2"]);
    s.req.start();
    s.reply("mm2", "ok");
    s.up.delete("mm1");
    s.req.onPeer("mm1", false);
    s.clock.advance(299);
    await tick();
    expect(s.settled()).toBe(false);
    s.clock.advance(1);
    const result = await s.req.promise;
    expect(result.missing.get("mm1")).toBe("disconnected");
    expect(result.ok).toBe(false);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("a group request counts processes that answer without having been seen present", async () => {
    const s = setup("*", { timeoutMs: 1000 }, ["mm1"]);
    s.req.start();
    s.reply("stranger", "ok");
    await tick();
    expect(s.settled()).toBe(false);
    s.reply("mm1", "ok");
    const result = await s.req.promise;
    expect(result.expected).toEqual(["mm1", "stranger"]);
    expect([...result.terminal.keys()].sort()).toEqual(["mm1", "stranger"]);
  });

  it("one timer until the first re-send, which arms the timeout for the time left", async () => {
    const s = setup("mm1", { timeoutMs: 250 }, ["mm1"]);
    s.req.start();
    expect(s.clock.pendingTimers).toBe(1); // a ping answered within 100 ms sets and clears one timer
    s.clock.advance(100);
    expect(s.clock.pendingTimers).toBe(2); // the next re-send and the timeout, due at 250
    s.clock.advance(150);
    const result = await s.req.promise;
    expect(s.publishes).toEqual([0, 100]);
    expect(result.missing.get("mm1")).toBe("timeout");
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("a timeout before the first re-send ends the request then, with one send", async () => {
    const s = setup("mm1", { timeoutMs: 100 }, ["mm1"]);
    s.req.start();
    s.clock.advance(99);
    expect(s.settled()).toBe(false);
    s.clock.advance(1);
    const result = await s.req.promise;
    expect(s.publishes).toEqual([0]);
    expect(result.sends).toBe(1);
    expect(result.missing.get("mm1")).toBe("timeout");
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("a group with nobody present ends at the empty-group wait, or at a shorter timeout", async () => {
    for (const [timeoutMs, endsAt] of [
      [10_000, 300],
      [120, 120],
    ] as const) {
      const s = setup("mm*", { timeoutMs });
      s.req.start();
      s.clock.advance(endsAt - 1);
      await tick();
      expect(s.settled()).toBe(false);
      s.clock.advance(1);
      const result = await s.req.promise;
      expect(result.expected).toEqual([]);
      expect(result.ok).toBe(true);
      expect(s.clock.pendingTimers).toBe(0);
    }
  });

  it("an onSent that throws: the throw goes to the caller, and the request still times out", async () => {
    const s = setup("mm1", {}, ["mm1"]);
    const req = new PendingRequest(
      s.req.command,
      s.req.frame,
      { clock: s.clock, publish: async () => {}, reachable: () => true, present: () => [] },
      {
        timeoutMs: 500,
        onSent: () => {
          throw new Error("observer failed");
        },
      },
      () => {},
    );
    expect(() => req.start()).toThrow("observer failed");
    s.clock.advance(500);
    const result = await req.promise;
    expect(result.missing.get("mm1")).toBe("timeout");
    expect(result.sends).toBe(1);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("a publish that fails rejects the request and releases everything", async () => {
    const s = setup("mm1", {}, ["mm1"]);
    const failing = new PendingRequest(
      s.req.command,
      s.req.frame,
      {
        clock: s.clock,
        publish: () => Promise.reject(new Error("socket gone")),
        reachable: () => true,
        present: () => [],
      },
      {},
      () => {},
    );
    failing.start();
    await expect(failing.promise).rejects.toThrow("socket gone");
    expect(s.clock.pendingTimers).toBe(0);
  });
});
