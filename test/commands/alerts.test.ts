import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;
const VIEWER = 2;

describe("/mute, /unmute, /alerts and alert delivery", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("mutes with durations, lists mutes, unmutes", async () => {
    h = await createHarness({ operators: [OP], viewers: [VIEWER] });
    await h.send(OP, "/mute mm1 2h");
    await h.waitForMessage(/^Alerts for mm1 are muted for 2 h, until \d\d:\d\d UTC\.$/);
    await h.send(VIEWER, "/alerts");
    const list = await h.waitForMessage(/^No open incidents\.\n\nMutes \(1\):\nmm1 — muted until/, {
      chatId: VIEWER,
    });
    expect(list.text).toContain("by user1");
    await h.send(OP, "/unmute mm1");
    await h.waitForMessage("Alerts for mm1 are unmuted.");
    await h.send(OP, "/unmute mm1");
    await h.waitForMessage("mm1 was not muted.");
    await h.send(OP, "/mute mm1 soon");
    await h.waitForMessage(
      'Usage: /mute <target> <duration>\n"soon" is not a duration: use e.g. 30m, 2h, 1d',
    );
    await h.send(VIEWER, "/mute mm1 1h");
    await h.waitForMessage("/mute needs the operator role; you are a viewer.");
  });

  it("a process that dies is reported in the alert chat and listed by /alerts", async () => {
    h = await createHarness({ operators: [OP], settleMs: 50 });
    const mm1 = await h.addStrategy("mm1"); // its first heartbeat goes out at start
    await mm1.kill();
    await h.waitForMessage(/mm1.*disconnected/, { chatId: OP });
    await h.send(OP, "/alerts");
    await h.waitForMessage(/^Open incidents \(1\):\nmm1 — disconnected since/);
  });
});
