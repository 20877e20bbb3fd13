// The example of docs/testing.md, kept running so the documentation cannot rot.
import { afterEach, expect, test } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { runStrategy } from "../../src/strategy/index.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const ALICE = 1001; // operator
const BOB = 1002; // viewer
let h: BotHarness;
afterEach(() => h.close());

test("an operator stops mm1; a viewer may not", async () => {
  h = await createHarness({ operators: [ALICE], viewers: [BOB] });
  // The real strategy runtime, plus a command type of its own.
  const mm1 = await h.addStrategy("mm1", { quotes: () => ({ quotes: 3 }) });

  await h.send(BOB, "/exit mm1");
  await h.waitForMessage("/exit needs the operator role; you are a viewer.", { chatId: BOB });

  await h.send(ALICE, "/exit mm1");
  const progress = await h.waitForMessage(/^exit → mm1\nmm1: ok/);
  expect(progress.history[0]).toBe("exit → mm1 …\nmm1: …"); // first text, before the edits
  expect(mm1.received.map((c) => c.command_type)).toEqual(["finish_and_exit"]);
  expect(await mm1.runtime.done).toBe(0); // it published `stopped` and closed its sockets

  await h.send(ALICE, "/exit *"); // reaches several processes: asks first
  await h.press(ALICE, "Cancel");
  await h.waitForMessage("/exit *: cancelled, nothing was sent.");
});

test("time on a FakeClock: the question expires, nothing is sent, mm2 stays up", async () => {
  const clock = new FakeClock(Date.now());
  h = await createHarness({ operators: [ALICE], clock });
  const mm2 = await h.addStrategy("mm2"); // heartbeats every 5 s of this clock
  await h.send(ALICE, "/exit mm2 --now");
  await h.waitForMessage(/expires in 60 s/);
  await h.advance(60_000); // in steps, delivering heartbeats as real time would
  await h.waitForMessage("/exit mm2 --now: not confirmed within 60 s, nothing was sent.");
  expect(mm2.received).toEqual([]);
  expect(h.monitor.processes()).toMatchObject([{ id: "mm2", state: "up" }]);
});

test("a strategy that dies without a word is reported", async () => {
  h = await createHarness({ operators: [ALICE], settleMs: 50 });
  const mm3 = await h.addStrategy("mm3");
  await mm3.kill(); // like kill -9: its sockets vanish, no `stopped`
  await h.waitForMessage("🔴 mm3 disconnected", { chatId: ALICE });
});

test("your own strategy runtime on the in-memory transport", async () => {
  h = await createHarness({ operators: [ALICE] });
  h.hear("mm9");
  const mm9 = runStrategy(
    { id: "mm9", intervalMs: 60_000, step: () => {} },
    { transport: h.transport("mm9"), process: false, heartbeatMs: 1000 },
  );
  await mm9.started;
  await h.waitUntil(() => h.ipc.isReachable("mm9"), { what: "mm9 to connect" });
  await h.send(ALICE, "/exit mm9");
  await h.waitForMessage(/^exit → mm9\nmm9: ok/);
  expect(await mm9.done).toBe(0);
});

test("Telegram hiccups are retried", async () => {
  h = await createHarness({ operators: [ALICE] });
  h.telegram.failNext(2, { code: 429, retryAfter: 0 });
  await h.send(ALICE, "/whoami");
  await h.waitForMessage(/role operator/);
  expect(h.telegram.calls.filter((c) => c.failedWith === "429")).toHaveLength(2);
});
