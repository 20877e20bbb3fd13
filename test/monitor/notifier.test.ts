import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import { createLogger } from "../../src/log.ts";
import { createAlertNotifier } from "../../src/monitor/index.ts";
import { flush } from "../helpers.ts";

interface Sent {
  chatId: number;
  text: string;
  silent: boolean;
  at: number;
}

/** A fake Bot API: `fail(attempt, now)` returns an error to throw, or nothing to accept. */
function fakeTelegram(clock: FakeClock, fail: (attempt: number, now: number) => unknown = () => undefined) {
  const delivered: Sent[] = [];
  let attempts = 0;
  const send = async (chatId: number, text: string, options?: { silent?: boolean }) => {
    attempts++;
    const err = fail(attempts, clock.now());
    if (err) throw err;
    delivered.push({ chatId, text, silent: options?.silent === true, at: clock.now() });
    return { message_id: attempts };
  };
  return { send, delivered, attempts: () => attempts };
}

const tooMany = (after: number) => ({
  message: "429: Too Many Requests",
  response: { error_code: 429, description: "Too Many Requests", parameters: { retry_after: after } },
});
const serverError = () => ({ message: "500: Internal Server Error", response: { error_code: 500 } });

function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      records.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { logger: createLogger({ level: "debug" }, stream), records };
}

/** Moves a FakeClock in steps, letting the queues' promises run between steps. */
async function drive(clock: FakeClock, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe("createAlertNotifier", () => {
  it("delivers alerts, resolved notices and quiet info lines to every chat, the most urgent first", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const tg = fakeTelegram(clock);
    const n = createAlertNotifier({ bus, chats: [1, 2, 2], send: tg.send, clock });
    cleanup = n.stop;
    bus.emit("alert", { processId: "mm1", kind: "disconnected", text: "🔴 mm1 disconnected", repeat: false });
    bus.emit("info", { processId: "mm2", text: "⚪ mm2 stopped as planned" });
    bus.emit("alert.resolved", {
      processId: "mm1",
      kind: "disconnected",
      text: "🟢 mm1 resolved: connected again",
    });
    await flush();
    await drive(clock, 2000);
    await n.idle();
    for (const chat of [1, 2]) {
      expect(tg.delivered.filter((d) => d.chatId === chat).map((d) => [d.text, d.silent, d.at])).toEqual([
        ["🔴 mm1 disconnected", false, 0],
        // Not urgent: each waits a group window (500 ms) for company, and follows the previous message by one.
        ["🟢 mm1 resolved: connected again", false, 500],
        ["⚪ mm2 stopped as planned", true, 1000],
      ]);
    }
    expect(n.queueLength()).toBe(0);
  });

  it("asks the Bot API at once: the first attempt happens in the same tick as the alert", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const tg = fakeTelegram(clock);
    const n = createAlertNotifier({ bus, chats: [1], send: tg.send, clock });
    cleanup = n.stop;
    bus.emit("alert", {
      processId: "mm1",
      kind: "crashed",
      text: "🔴 mm1 crashed: Error: boom",
      repeat: false,
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(tg.attempts()).toBe(1);
  });

  it("survives a 429 and then minutes of 500s: every alert arrives exactly once, in order", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const outageEnds = 4 * 60_000;
    const tg = fakeTelegram(clock, (attempt, now) => {
      if (attempt === 1) return tooMany(1);
      if (now < outageEnds) return serverError();
      return undefined;
    });
    const { logger, records } = capturingLogger();
    const n = createAlertNotifier({ bus, chats: [10, 20], send: tg.send, clock, logger });
    cleanup = n.stop;
    const emitted: string[] = [];
    for (let i = 0; i < 12; i++) {
      const text = `🔴 p${i} disconnected (no stopped notice)`;
      emitted.push(text);
      bus.emit("alert", { processId: `p${i}`, kind: "disconnected", text, repeat: false });
      if (i % 3 === 2) {
        const resolved = `🟢 p${i} resolved: connected again`;
        emitted.push(resolved);
        bus.emit("alert.resolved", { processId: `p${i}`, kind: "disconnected", text: resolved });
      }
      await drive(clock, 15_000);
    }
    expect(tg.delivered.length).toBeLessThan(emitted.length * 2); // the outage is still on
    expect(n.queueLength()).toBeGreaterThan(0);
    await drive(clock, 5 * 60_000, 1000);
    await n.idle();
    for (const chat of [10, 20]) {
      const messages = tg.delivered.filter((d) => d.chatId === chat).map((d) => d.text);
      const lines = messages.flatMap((m) => m.split("\n"));
      // Each line exactly once; what piled up during the outage left in a few grouped messages,
      // the disconnects (in their order) before the resolved notices (in theirs).
      expect([...lines].sort()).toEqual([...emitted].sort());
      expect(messages.length).toBeLessThanOrEqual(3);
      const resolvedAt = lines.findIndex((l) => l.includes("resolved"));
      expect(lines.slice(0, resolvedAt)).toEqual(emitted.filter((t) => !t.includes("resolved")));
      expect(lines.slice(resolvedAt)).toEqual(emitted.filter((t) => t.includes("resolved")));
    }
    expect(n.queueLength()).toBe(0);
    // The retry after the 429 honoured retry_after = 1 s, and the outage was logged with the queue length.
    const retries = records.filter((r) => r.msg === "alert send failed; retrying");
    expect(retries[0]).toMatchObject({ why: "429", delayMs: 1000 });
    expect(retries.some((r) => r.why === "500" && (r.queued as number) > 1)).toBe(true);
    expect(Math.max(...retries.map((r) => r.delayMs as number))).toBeLessThanOrEqual(30_000);
    expect(records.some((r) => r.msg === "alert delivered after retries")).toBe(true);
  });

  it("retries network errors, and drops only the message the Bot API refuses for good", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const tg = fakeTelegram(clock, (attempt) => {
      if (attempt === 1) return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      if (attempt === 2) return { message: "403: Forbidden: bot was blocked", response: { error_code: 403 } };
      return undefined;
    });
    const { logger, records } = capturingLogger();
    const n = createAlertNotifier({ bus, chats: [1], send: tg.send, clock, logger });
    cleanup = n.stop;
    bus.emit("alert", { processId: "a", kind: "crashed", text: "first", repeat: false });
    bus.emit("alert", { processId: "b", kind: "crashed", text: "second", repeat: false });
    await drive(clock, 2000);
    bus.emit("alert", { processId: "c", kind: "crashed", text: "third", repeat: false });
    await drive(clock, 2000);
    await n.idle();
    expect(tg.delivered.map((d) => d.text)).toEqual(["third"]);
    const refused = records.filter((r) => r.msg === "alert refused by the Bot API; dropped");
    expect(refused.map((r) => r.text)).toEqual(["first\nsecond"]);
  });

  it("retries a send that hangs", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const delivered: string[] = [];
    let calls = 0;
    const send = (_chat: number, text: string) => {
      calls++;
      if (calls === 1) return new Promise(() => {}); // never settles
      delivered.push(text);
      return Promise.resolve();
    };
    const n = createAlertNotifier({ bus, chats: [1], send, clock, sendTimeoutMs: 10_000 });
    cleanup = n.stop;
    bus.emit("alert", { processId: "a", kind: "silent", text: "🟡 a silent", repeat: false });
    await drive(clock, 12_000);
    await n.idle();
    expect(delivered).toEqual(["🟡 a silent"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("is bounded: on overflow it drops the oldest info line first, else the oldest alert, with a clear log line", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const tg = fakeTelegram(clock, (_a, now) => (now < 60_000 ? serverError() : undefined));
    const { logger, records } = capturingLogger();
    const n = createAlertNotifier({ bus, chats: [7], send: tg.send, clock, logger, maxQueue: 3 });
    cleanup = n.stop;
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A1", repeat: false }); // in flight
    bus.emit("info", { processId: "a", text: "I1" });
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A2", repeat: false });
    expect(n.queueLength(7)).toBe(3);
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A3", repeat: false }); // drops I1
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A4", repeat: false }); // drops A2
    expect(n.queueLength(7)).toBe(3);
    await drive(clock, 120_000, 1000);
    await n.idle();
    // A1 waited in line again between attempts, so the next attempt carried A3 and A4 along.
    expect(tg.delivered.map((d) => d.text)).toEqual(["A1\nA3\nA4"]);
    const overflow = records.filter((r) => String(r.msg).startsWith("alert queue for chat 7 is full (3)"));
    expect(overflow.map((r) => r.dropped)).toEqual(["I1", "A2"]);
    expect(overflow[0]?.level).toBe(50);
  });

  it("stop() unsubscribes, drops what is queued, releases idle() and leaves no timer", async () => {
    const clock = new FakeClock(0);
    const bus = new LifecycleBus();
    const tg = fakeTelegram(clock, () => serverError());
    const n = createAlertNotifier({ bus, chats: [1], send: tg.send, clock });
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A1", repeat: false });
    await drive(clock, 5000);
    const idle = n.idle();
    n.stop();
    await idle;
    await flush();
    bus.emit("alert", { processId: "a", kind: "crashed", text: "A2", repeat: false });
    expect(n.queueLength()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect(bus.listenerCount("alert")).toBe(0);
  });

  it("refuses bad options with a typed error", () => {
    const bus = new LifecycleBus();
    const send = async () => {};
    expect(() => createAlertNotifier({ bus, chats: [1.5], send })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
    expect(() => createAlertNotifier({ bus, chats: [1], send, maxQueue: 0 })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
  });

  it("works on the real clock too (small real delays)", async () => {
    const bus = new LifecycleBus();
    let calls = 0;
    const delivered: string[] = [];
    const send = async (_chat: number, text: string) => {
      calls++;
      if (calls <= 3) throw serverError();
      delivered.push(text);
    };
    const n = createAlertNotifier({ bus, chats: [1], send, baseDelayMs: 5, maxDelayMs: 20 });
    cleanup = n.stop;
    for (const t of ["x1", "x2", "x3"])
      bus.emit("alert", { processId: "x", kind: "crashed", text: t, repeat: false });
    await n.idle();
    // x1 was tried at once; x2 and x3 joined it for the retries.
    expect(delivered).toEqual(["x1\nx2\nx3"]);
  });
});
