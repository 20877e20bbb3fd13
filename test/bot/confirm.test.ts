import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { auditLines, captureLogger } from "./helpers.ts";

const OP = 1;
const OP2 = 3;

describe("confirmation", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("/exit mm* asks first; only the requester can confirm; then the same message shows progress", async () => {
    h = await createHarness({ operators: [OP, OP2] });
    const mm1 = await h.addStrategy("mm1");
    const mm2 = await h.addStrategy("mm2");
    await h.send(OP, "/exit mm*");
    const question = await h.waitForMessage(/^Confirm \/exit mm\*\?/);
    expect(question.text).toContain("Connected now: mm1, mm2");
    expect(question.keyboard?.inline_keyboard.flat().map((b) => b.text)).toEqual(["Confirm", "Cancel"]);
    expect(mm1.received).toEqual([]);

    await h.press(OP2, "Confirm", { messageId: question.messageId });
    const refusal = await h.waitForAnswer("Only the person who asked");
    expect(refusal.showAlert).toBe(true);
    expect(mm1.received).toEqual([]);

    await h.press(OP, "Confirm", { messageId: question.messageId });
    const done = await h.waitForMessage(/^exit → mm\*\nmm1: ok.*\nmm2: ok/);
    expect(done.messageId).toBe(question.messageId);
    expect(done.keyboard).toBeUndefined();
    expect(mm2.received.map((c) => c.command_type)).toEqual(["finish_and_exit"]);
  });

  it("Cancel sends nothing and is audited as cancelled", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP], logger });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/exit mm1 --now");
    await h.waitForMessage(/^Confirm \/exit mm1 --now\?/);
    await h.press(OP, "Cancel");
    await h.waitForMessage("/exit mm1 --now: cancelled, nothing was sent.");
    await h.idle();
    expect(mm1.received).toEqual([]);
    expect(auditLines(lines).at(-1)).toMatchObject({
      command: "exit",
      outcome: "cancelled",
      targets: ["mm1"],
    });
  });

  it("expires: the buttons go, nothing is sent, a late press is told so", async () => {
    h = await createHarness({ operators: [OP], confirmTtlMs: 150 });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/send mm1 ping");
    const question = await h.waitForMessage(/^Confirm \/send mm1 ping\?/);
    const stale = { ...question }; // the message as the user's phone still shows it
    await h.waitForMessage(/^\/send mm1 ping: not confirmed within .+, nothing was sent\.$/);
    expect(h.messages().find((m) => m.messageId === question.messageId)?.keyboard).toBeUndefined();
    // A press on the stale message (its buttons as they were) is answered, not run.
    await h.runtime.bot.handleUpdate(h.telegram.pressUpdate(OP, stale, "Confirm"));
    await h.waitForAnswer("expired");
    expect(mm1.received).toEqual([]);
  });

  it("buttons live 60 s by default (on the injected clock)", async () => {
    const clock = new FakeClock(Date.now());
    h = await createHarness({ operators: [OP], clock });
    await h.addStrategy("mm1");
    await h.send(OP, "/exit mm1 --now");
    const question = await h.waitForMessage(/expires in 60 s/);
    await h.advance(59_999); // mm1 heartbeats on the same clock meanwhile
    expect(h.lastMessage()?.keyboard).toBeDefined();
    await h.advance(1);
    await h.waitForMessage("/exit mm1 --now: not confirmed within 60 s, nothing was sent.");
    expect(h.lastMessage()?.messageId).toBe(question.messageId);
  });

  it("read-only commands never ask, even for every process", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    await h.send(OP, "/ping *");
    await h.waitForMessage(/^ping → \*\nmm1: ok/);
    expect(h.messages().some((m) => m.text.startsWith("Confirm"))).toBe(false);
  });
});
