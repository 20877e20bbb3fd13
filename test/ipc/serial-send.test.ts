import { describe, expect, it } from "vitest";
import { type SendingSocket, SerialSender } from "../../src/ipc/serial-send.ts";

/** A socket whose sends complete only when the test says so, recording what it was given. */
function slowSocket() {
  const sent: (Buffer | string)[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const socket: SendingSocket = {
    send(data) {
      sent.push(data);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      return new Promise<void>((resolve) =>
        pending.push(() => {
          inFlight--;
          resolve();
        }),
      );
    },
  };
  return { socket, sent, pending, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("SerialSender", () => {
  it("one send in flight at a time, in order; drained() waits for the last", async () => {
    const s = slowSocket();
    const sender = new SerialSender(() => s.socket);
    const frames = [1, 2, 3].map((n) => Buffer.from(`${"x".repeat(200)}${n}`));
    const done = frames.map((f) => sender.send(f));
    let drained = false;
    void sender.drained().then(() => {
      drained = true;
    });
    for (let i = 0; i < 3; i++) {
      await tick();
      expect(s.sent).toHaveLength(i + 1);
      s.pending.shift()?.();
    }
    await Promise.all(done);
    await tick();
    expect(drained).toBe(true);
    expect(s.maxInFlight()).toBe(1);
    // UTF-8 frames over 128 bytes go as strings (copied, no wake-up to free them); same bytes.
    expect(s.sent.map((d) => Buffer.from(d as string).equals(frames[s.sent.indexOf(d)] as Buffer))).toEqual([
      true,
      true,
      true,
    ]);
    expect(typeof s.sent[0]).toBe("string");
  });

  it("sends on whichever socket is current (the proxy transport re-creates its publisher)", async () => {
    const a = slowSocket();
    const b = slowSocket();
    let current = a.socket;
    const sender = new SerialSender(() => current);
    const first = sender.send(Buffer.from("one"));
    a.pending.shift()?.();
    await first;
    current = b.socket;
    const second = sender.send(Buffer.from("two"));
    b.pending.shift()?.();
    await second;
    expect(a.sent).toEqual([Buffer.from("one")]);
    expect(b.sent).toEqual([Buffer.from("two")]);
  });

  it("a send that throws rejects its promise and the queue goes on", async () => {
    let calls = 0;
    const sender = new SerialSender(() => ({
      send: () => {
        if (++calls === 1) throw new Error("socket closed");
        return Promise.resolve();
      },
    }));
    await expect(sender.send(Buffer.from("a"))).rejects.toThrow("socket closed");
    await expect(sender.send(Buffer.from("b"))).resolves.toBeUndefined();
    await sender.drained();
  });

  it("sendText hands the text over as it is, whatever its size, in order with Buffer sends", async () => {
    const s = slowSocket();
    const sender = new SerialSender(() => s.socket);
    const big = `mm1.ping${" ".repeat(56)}${JSON.stringify({ pad: "y".repeat(20_000) })}`;
    const done = [sender.sendText("short"), sender.send(Buffer.from("raw")), sender.sendText(big)];
    for (let i = 0; i < 3; i++) {
      await tick();
      s.pending.shift()?.();
    }
    await Promise.all(done);
    expect(s.sent).toEqual(["short", Buffer.from("raw"), big]);
  });
});
