/**
 * /mute and /unmute with `*` or `prefix*` silence (or re-enable) every matching process's alerts,
 * so they ask for confirmation like other multi-target operator commands (issue 10, part 8).
 */
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;
const OP2 = 3;

describe("/mute and /unmute of several processes ask first", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("/mute * asks; nothing is muted until the requester confirms; the answer replaces the question", async () => {
    h = await createHarness({ operators: [OP, OP2] });
    await h.send(OP, "/mute * 2h");
    const question = await h.waitForMessage(/^Confirm \/mute \* 2h\?/);
    expect(h.monitor.mutes()).toEqual([]);
    await h.press(OP2, "Confirm", { messageId: question.messageId });
    await h.waitForAnswer("Only the person who asked");
    expect(h.monitor.mutes()).toEqual([]);
    await h.press(OP, "Confirm", { messageId: question.messageId });
    const done = await h.waitForMessage(/^Alerts for \* are muted for 2 h/);
    expect(done.messageId).toBe(question.messageId);
    expect(h.monitor.mutes().map((m) => m.target)).toEqual(["*"]);
  });

  it("/mute mm* can be cancelled: nothing is muted", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/mute mm* 30m");
    await h.waitForMessage(/^Confirm \/mute mm\* 30m\?/);
    await h.press(OP, "Cancel");
    await h.waitForMessage("/mute mm* 30m: cancelled, nothing was sent.");
    expect(h.monitor.mutes()).toEqual([]);
  });

  it("/unmute * asks too", async () => {
    h = await createHarness({ operators: [OP] });
    h.monitor.mute("*", 3_600_000, "ops");
    await h.send(OP, "/unmute *");
    await h.waitForMessage(/^Confirm \/unmute \*\?/);
    expect(h.monitor.mutes()).toHaveLength(1);
    await h.press(OP, "Confirm");
    await h.waitForMessage("Alerts for * are unmuted.");
    expect(h.monitor.mutes()).toEqual([]);
  });

  it("a single process is muted and unmuted at once, without a question", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/mute mm1 1h");
    await h.waitForMessage(/^Alerts for mm1 are muted for /);
    await h.send(OP, "/unmute mm1");
    await h.waitForMessage("Alerts for mm1 are unmuted.");
    expect(h.messages().some((m) => m.text.startsWith("Confirm"))).toBe(false);
  });
});
