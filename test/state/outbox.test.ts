/**
 * The alert outbox under the notifier (docs/state.md): a line is a row before its first attempt
 * and leaves once Telegram accepted it; a new notifier on the same database (the bot after a
 * restart) sends what was left first, in order, and says so when an earlier attempt may have arrived.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import { createAlertNotifier } from "../../src/monitor/index.ts";
import { openState, type StateStore } from "../../src/state/index.ts";
import { flush } from "../helpers.ts";

let dir: string;
let state: StateStore | undefined;
const stops: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-outbox-"));
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  state?.close();
  state = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A Bot API whose answers the test decides: each call waits for `next()`, or answers at once. */
function telegram(clock: FakeClock) {
  const delivered: { chatId: number; text: string }[] = [];
  const calls: string[] = [];
  let mode: "accept" | "hang" | "502" = "accept";
  const send = async (chatId: number, text: string, o?: { signal?: AbortSignal }) => {
    calls.push(text);
    if (mode === "502") throw { message: "502: Bad Gateway", response: { error_code: 502 } };
    if (mode === "hang") {
      await new Promise((_, reject) =>
        o?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    }
    delivered.push({ chatId, text });
    return { message_id: delivered.length, at: clock.now() };
  };
  return { send, delivered, calls, set: (m: typeof mode) => (mode = m) };
}

function start(clock: FakeClock, send: ReturnType<typeof telegram>["send"], chats = [1]) {
  state ??= openState(join(dir, "state.db"));
  const bus = new LifecycleBus();
  const n = createAlertNotifier({ bus, chats, send, clock, outbox: state.outbox, groupWindowMs: 0 });
  stops.push(n.stop);
  return { bus, n };
}

const alert = (bus: LifecycleBus, id: string) =>
  bus.emit("alert", {
    processId: id,
    kind: "disconnected",
    text: `🔴 ${id} disconnected (x)`,
    repeat: false,
  });

describe("the alert outbox", () => {
  it("stores a line before the Bot API is asked and deletes it once accepted", async () => {
    const clock = new FakeClock(0);
    const tg = telegram(clock);
    tg.set("hang");
    const { bus } = start(clock, tg.send);
    alert(bus, "mm1");
    // The row exists, marked in flight, before the request settles.
    expect(state?.outbox.size()).toBe(1);
    await flush();
    expect(tg.calls).toHaveLength(1);
    expect(state?.outbox.pending(1)[0]).toMatchObject({ text: "🔴 mm1 disconnected (x)", attempts: 1 });
    tg.set("accept");
    clock.advance(60_000); // the attempt times out and is retried
    await flush();
    clock.advance(1000);
    await flush();
    expect(tg.delivered.map((d) => d.text)).toEqual([
      "🔴 mm1 disconnected (x)\n↻ sent again: delivery of an earlier attempt (send 1.1) was not confirmed, so this may repeat it",
    ]);
    expect(state?.outbox.size()).toBe(0);
  });

  it("a restart during an outage delivers what was queued, in order, once, before new lines", async () => {
    const clock = new FakeClock(0);
    const before = telegram(clock);
    before.set("502");
    const first = start(clock, before.send, [1, 2]);
    for (const id of ["a1", "a2", "a3"]) alert(first.bus, id);
    await flush();
    first.n.stop(); // the bot goes down with the lines undelivered (502 is an answer: not sent)
    expect(state?.outbox.size()).toBe(6);

    const after = telegram(clock);
    const second = start(clock, after.send, [1, 2]);
    alert(second.bus, "b1");
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      await flush();
    }
    await second.n.idle();
    for (const chat of [1, 2]) {
      const texts = after.delivered.filter((d) => d.chatId === chat).flatMap((d) => d.text.split("\n"));
      expect(texts).toEqual(["a1", "a2", "a3", "b1"].map((id) => `🔴 ${id} disconnected (x)`));
    }
    expect(state?.outbox.size()).toBe(0);
  });

  it("a line caught in flight by a crash is sent again once, saying it may repeat", async () => {
    const clock = new FakeClock(0);
    const before = telegram(clock);
    before.set("hang");
    const first = start(clock, before.send);
    alert(first.bus, "mm1");
    await flush();
    // A crash: nothing of the first notifier runs any more; its row stays in flight.
    stops.splice(0);
    const after = telegram(clock);
    const second = start(clock, after.send);
    await flush();
    await second.n.idle();
    expect(after.delivered.map((d) => d.text)).toEqual([
      "🔴 mm1 disconnected (x)\n↻ sent again: delivery of an earlier attempt (send 1.1) was not confirmed, so this may repeat it",
    ]);
    expect(state?.outbox.size()).toBe(0);
    first.n.stop();
  });

  it("drops, with a log line, what was left for a chat no longer configured", async () => {
    const clock = new FakeClock(0);
    const before = telegram(clock);
    before.set("502");
    const first = start(clock, before.send, [1, 2]);
    alert(first.bus, "mm1");
    await flush();
    first.n.stop();
    const after = telegram(clock);
    const second = start(clock, after.send, [2]);
    await flush();
    await second.n.idle();
    expect(after.delivered).toEqual([{ chatId: 2, text: "🔴 mm1 disconnected (x)" }]);
    expect(state?.outbox.size()).toBe(0);
  });
});
