/**
 * A /status that asks many processes is one message, edited as the answers arrive: the listing
 * and a line per process at once, each line filled in when its process answers.
 */
import { afterEach, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;
let h: BotHarness;
afterEach(() => h?.close());

it("/status * shows every process at once and fills in each line as its answer arrives", async () => {
  h = await createHarness({ operators: [OP], replyTimeoutMs: 10_000 });
  let release: (() => void) | undefined;
  const slow = new Promise<void>((resolve) => {
    release = resolve;
  });
  await h.addStrategy("mm1");
  await h.addStrategy("mm2", {
    status: async () => {
      await slow;
      return { state: "sleeping", step: 7 };
    },
  });
  await h.send(OP, "/status *");
  // mm1 has answered, mm2 not yet: the message is already there, mm2's line waiting.
  const partial = await h.waitForMessage(/^status → \*[\s\S]*\nmm1: ok[^\n]*\nmm2: …$/m);
  const id = partial.messageId;
  expect(partial.text).not.toMatch(/mm2: ok/);
  release?.();
  const done = await h.waitForMessage(/\nmm2: ok[^\n]*step 7/);
  expect(done.messageId).toBe(id); // the same message, edited
  expect(done.history.length).toBeGreaterThanOrEqual(2);
  expect(done.history[0]).not.toMatch(/mm2: ok/);
  expect(h.telegram.botMessages(OP)).toHaveLength(1);
});
