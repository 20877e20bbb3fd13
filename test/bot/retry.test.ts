import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;

describe("Bot API errors", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("retries 429 (after retry_after), 5xx and network errors for messages and edits", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    h.telegram.failNext(1, { code: 429, retryAfter: 1 }, ["sendMessage"]);
    h.telegram.failNext(1, { code: 500 }, ["sendMessage"]);
    h.telegram.failNext(1, { network: true }, ["editMessageText"]);
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok/);
    const failed = h.telegram.calls.filter((c) => c.failedWith).map((c) => `${c.method}:${c.failedWith}`);
    expect(failed).toEqual(["sendMessage:429", "sendMessage:500", "editMessageText:network"]);
    expect(h.messages()).toHaveLength(1);
  });

  it("publishes the command menu from the registry", async () => {
    h = await createHarness({ operators: [OP] });
    // The menu goes out in the background.
    const call = await h.waitUntil(() => h.telegram.callsTo("setMyCommands")[0], { what: "setMyCommands" });
    const commands = (call?.payload.commands ?? []) as { command: string; description: string }[];
    expect(commands.map((c) => c.command)).toEqual(h.runtime.bot.registry.list.map((c) => c.name));
    expect(commands.find((c) => c.command === "exit")?.description).toMatch(/Stop processes/);
  });

  it("a failing handler gives the user a short error and the bot keeps working", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    const monitor = h.monitor as { processes: () => unknown };
    const original = monitor.processes;
    monitor.processes = () => {
      throw new Error("monitor exploded");
    };
    await h.send(OP, "/status");
    await h.waitForMessage("Sorry, /status failed: monitor exploded");
    monitor.processes = original;
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/mm1: ok/);
  });

  it("an error while reading an update (bot.catch) is answered briefly; the next update is served", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    const broken = {
      update_id: 99,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: OP, type: "private" },
        from: { id: OP, is_bot: false, first_name: "op" },
        get text(): string {
          throw new Error("malformed update");
        },
      },
    };
    await expect(h.runtime.bot.handleUpdate(broken as never)).resolves.toBeUndefined();
    await h.waitForMessage("Sorry, something went wrong; the error is logged.");
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/mm1: ok/);
  });
});
