import { afterEach, describe, expect, it } from "vitest";
import { STALE_COMMAND_MS } from "../../src/bot/pipeline/index.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;

/** An update as Telegram delivers it after the bot was down: the message is `ageMs` old. */
function oldUpdate(h: BotHarness, text: string, ageMs: number) {
  const update = h.telegram.textUpdate({ userId: OP }, text);
  if ("message" in update && update.message) update.message.date -= Math.ceil(ageMs / 1000);
  return update;
}

describe("backlog and redelivery", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("an operator command older than the limit is not run, and says so", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.runtime.bot.handleUpdate(oldUpdate(h, "/exit mm1", STALE_COMMAND_MS + 60_000));
    await h.waitForMessage(/^Not run: \/exit mm1 was sent 3 min ago, while the bot was not reading/);
    await h.idle();
    expect(mm1.received).toHaveLength(0);
  });

  it("a read-only command from the backlog still runs; a fresh operator command runs", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.runtime.bot.handleUpdate(oldUpdate(h, "/whoami", STALE_COMMAND_MS * 3));
    await h.waitForMessage(/role operator/);
    await h.runtime.bot.handleUpdate(oldUpdate(h, "/exit mm1", 5_000));
    await h.waitForMessage(/^exit → mm1\nmm1: ok/);
    expect(mm1.received.map((c) => c.command_type)).toEqual(["finish_and_exit"]);
  });

  it("the same update delivered twice runs once", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    const update = h.telegram.textUpdate({ userId: OP }, "/ping mm1");
    await h.runtime.bot.handleUpdate(update);
    await h.runtime.bot.handleUpdate(update);
    await h.waitForMessage(/^ping → mm1\nmm1: ok/);
    await h.idle();
    expect(mm1.received).toHaveLength(1);
  });
});
