// The example of docs/testing.md, kept running so the documentation cannot rot.
import { afterEach, expect, test } from "vitest";
import { runStrategy } from "../../src/strategy/index.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const ALICE = 1001; // operator
const BOB = 1002; // viewer
let h: BotHarness;
afterEach(() => h.close());

test("an operator stops mm1; a viewer may not", async () => {
  h = await createHarness({ operators: [ALICE], viewers: [BOB] });
  const mm1 = await h.addStrategy("mm1", { ping: () => ({ state: "sleeping" }) });

  await h.send(BOB, "/exit mm1");
  await h.waitForMessage("/exit needs the operator role; you are a viewer.", { chatId: BOB });

  await h.send(ALICE, "/exit mm1");
  const progress = await h.waitForMessage(/^exit → mm1\nmm1: ok/);
  expect(progress.history[0]).toBe("exit → mm1 …\nmm1: …");
  expect(mm1.received.map((c) => c.command_type)).toEqual(["finish_and_exit"]);

  await h.send(ALICE, "/exit *");
  await h.press(ALICE, "Cancel");
  await h.waitForMessage("/exit *: cancelled, nothing was sent.");
});

test("a real strategy runtime on the in-memory transport", async () => {
  h = await createHarness({ operators: [ALICE] });
  const mm9 = runStrategy(
    { id: "mm9", intervalMs: 60_000, step: () => {} },
    { transport: h.transport("mm9"), process: false, heartbeatMs: 1000 },
  );
  h.hear("mm9");
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
