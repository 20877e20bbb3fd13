import { describe, expect, it } from "vitest";
import type { ChatApi } from "../../src/bot/chat.ts";
import { LiveMessage } from "../../src/bot/live-message.ts";
import { FakeClock } from "../../src/clock.ts";
import { flush } from "../helpers.ts";

function recordingChat() {
  const ops: string[] = [];
  let id = 100;
  const chat: ChatApi = {
    send: async (_c, text) => {
      ops.push(`send:${text}`);
      return [++id];
    },
    edit: async (_c, messageId, text) => void ops.push(`edit ${messageId}:${text}`),
    answer: async () => {},
  };
  return { chat, ops };
}

describe("LiveMessage", () => {
  it("sends at once, then edits at most once per interval, always ending with the final text", async () => {
    const clock = new FakeClock(0);
    const { chat, ops } = recordingChat();
    const live = new LiveMessage(chat, 1, clock, { minEditIntervalMs: 1000 });
    live.update("a");
    await flush();
    live.update("b");
    live.update("c");
    live.update("d");
    await flush();
    expect(ops).toEqual(["send:a"]);
    const done = live.finish("final");
    clock.advance(999);
    await flush();
    expect(ops).toEqual(["send:a"]);
    clock.advance(1);
    await flush();
    await done;
    expect(ops).toEqual(["send:a", "edit 101:final"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("edits an existing message (a confirmation) instead of sending", async () => {
    const { chat, ops } = recordingChat();
    const live = new LiveMessage(chat, 1, new FakeClock(0), { messageId: 7 });
    await live.finish("done");
    expect(ops).toEqual(["edit 7:done"]);
  });

  it("continues in further messages past 4096 characters", async () => {
    const { chat, ops } = recordingChat();
    const live = new LiveMessage(chat, 1, new FakeClock(0), { minEditIntervalMs: 0 });
    await live.finish(`${"a".repeat(4000)}\n${"b".repeat(200)}`);
    expect(ops.map((o) => o.slice(0, 6))).toEqual(["send:a", "send:b"]);
    expect(live.messageIds).toEqual([101, 102]);
  });

  it("gives up quietly when Telegram refuses for good", async () => {
    const chat: ChatApi = {
      send: async () => {
        throw new Error("400: Bad Request: chat not found");
      },
      edit: async () => {},
      answer: async () => {},
    };
    const live = new LiveMessage(chat, 1, new FakeClock(0));
    await expect(live.finish("x")).resolves.toBeUndefined();
  });
});
