/**
 * Text that is not the sender's own command right now (issue 10, part 8 and its siblings): a
 * forwarded message, a message sent as a chat, an edit, a command for another bot, a channel post,
 * and a confirmation button pressed somewhere other than on the question.
 */
import type { Update } from "telegraf/types";
import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { auditLines, captureLogger } from "./helpers.ts";

const OP = 1;
const OP2 = 3;
const STRANGER = 777;
const GROUP = -100500;
/** Telegram's stand-in sender for an anonymous group admin (`from` of a message sent as the group). */
const GROUP_ANONYMOUS_BOT = 1087968824;

/** `update` with its `message` moved to another update kind (`edited_message`, `channel_post`). */
function as(kind: "edited_message" | "channel_post", update: Update): Update {
  const { message, ...rest } = update as Update & { message: unknown };
  return { ...rest, [kind]: { ...(message as object), edit_date: 1 } } as unknown as Update;
}

describe("commands that are not the sender's own", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("a forwarded command is not run; the bot says why and the attempt is audited as denied", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP, OP2], logger });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/exit mm1", {
      forward_origin: { type: "user", date: 1_700_000_000, sender_user: { id: OP2, is_bot: false } },
    });
    await h.waitForMessage("Forwarded commands are not run: type the command yourself.");
    await h.idle();
    expect(h.messages(OP)).toHaveLength(1);
    expect(mm1.received).toEqual([]);
    expect(auditLines(lines)).toEqual([
      expect.objectContaining({ user: OP, command: "exit", outcome: "denied", detail: "forwarded message" }),
    ]);
  });

  it("legacy forward fields and a channel's automatic forward count as forwarded too", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/ping mm1", { forward_date: 1_700_000_000, forward_sender_name: "Ann" });
    await h.send(OP, "/ping mm1", { is_automatic_forward: true });
    await h.idle();
    expect(h.messages(OP).map((m) => m.text)).toEqual(
      Array(2).fill("Forwarded commands are not run: type the command yourself."),
    );
    expect(mm1.received).toEqual([]);
  });

  it("a stranger's forwarded command still gets exactly the not-authorized line", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(STRANGER, "/exit mm1", { forward_date: 1_700_000_000 });
    await h.idle();
    expect(h.messages(STRANGER).map((m) => m.text)).toEqual([
      "Not authorized. Your Telegram user id is 777.",
    ]);
  });

  it("a command sent as the group (anonymous admin) is refused without naming Telegram's stand-in id", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP, GROUP_ANONYMOUS_BOT], logger });
    const mm1 = await h.addStrategy("mm1");
    await h.send({ userId: GROUP_ANONYMOUS_BOT, chatId: GROUP }, "/exit mm1", {
      sender_chat: { id: GROUP, type: "supergroup", title: "ops" },
    });
    await h.idle();
    expect(h.messages(GROUP).map((m) => m.text)).toEqual([
      "Commands sent as a group or channel are not run: send the command as yourself.",
    ]);
    expect(mm1.received).toEqual([]);
    expect(auditLines(lines)[0]).toMatchObject({ outcome: "denied", detail: "sender_chat message" });
  });

  it("an edited command message is not run again", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok/);
    await h.runtime.bot.handleUpdate(
      as("edited_message", h.telegram.textUpdate({ userId: OP }, "/ping mm1")),
    );
    await h.idle();
    expect(mm1.received).toHaveLength(1);
    expect(h.messages(OP)).toHaveLength(1);
  });

  it("in a group, /exit@OtherBot is left to that bot; /exit@ThisBot runs", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send({ userId: OP, chatId: GROUP }, "/exit@SomeOtherBot mm1");
    await h.idle();
    expect(h.messages(GROUP)).toEqual([]);
    expect(mm1.received).toEqual([]);
    await h.send({ userId: OP, chatId: GROUP }, `/exit@${h.telegram.botInfo.username} mm1`);
    await h.waitForMessage(/^exit → mm1\nmm1: ok/, { chatId: GROUP });
  });

  it("a channel post is not a command", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.runtime.bot.handleUpdate(
      as("channel_post", h.telegram.textUpdate({ userId: OP, chatId: GROUP }, "/exit mm1")),
    );
    await h.idle();
    expect(h.messages(GROUP)).toEqual([]);
    expect(mm1.received).toEqual([]);
  });

  it("a confirmation button pressed on a copy of the question in another chat does nothing", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/exit mm1 --now");
    const question = await h.waitForMessage(/^Confirm \/exit mm1 --now\?/);
    const press = h.telegram.pressUpdate(OP, question, "Confirm") as Update.CallbackQueryUpdate;
    const elsewhere = { ...press.callback_query.message, chat: { id: GROUP, type: "group", title: "x" } };
    await h.runtime.bot.handleUpdate({
      ...press,
      callback_query: { ...press.callback_query, message: elsewhere },
    } as Update);
    await h.waitForAnswer("Answer on the question itself");
    await h.idle();
    expect(mm1.received).toEqual([]);
    // The question itself still works.
    await h.press(OP, "Confirm", { messageId: question.messageId });
    await h.waitForMessage(/^exit --now → mm1\nmm1: ok/);
  });
});
