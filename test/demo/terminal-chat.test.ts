/**
 * The demo's terminal chat as the bot's Telegram, in process: the real bot runtime and a real
 * strategy runtime on the in-memory transport, lines typed into a stream, the chat read from one.
 */
import { PassThrough } from "node:stream";
import { TelegramError } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { type BotRuntime, createBotRuntime } from "../../src/bot/runtime.ts";
import { loadConfig } from "../../src/config.ts";
import { TerminalChat } from "../../src/demo/terminal-chat.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { runStrategy, type StrategyHandle } from "../../src/strategy/index.ts";

const USER = 1;

describe("the terminal chat", () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function start() {
    const hub = new MemoryHub();
    const config = loadConfig({ MISSIONCTL_OPERATORS: String(USER) }, { envFile: false });
    const ipc = new IpcCommandSystem({ id: "chatops", transport: new MemoryTransport(hub, "chatops") });
    await ipc.start();
    ipc.connectToProcess("mm1");
    const mm1: StrategyHandle = runStrategy(
      { id: "mm1", intervalMs: 3_600_000, step: () => {} },
      { transport: new MemoryTransport(hub, "mm1"), process: false, hear: ["chatops"] },
    );
    await ipc.waitUntilReachable(["mm1"], 5000);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const chat = new TerminalChat({ userId: USER, output });
    const runtime: BotRuntime = await createBotRuntime({
      config,
      ipc,
      telegram: { callApi: chat.callApi },
      botInfo: chat.botInfo,
    });
    await runtime.start();
    let quits = 0;
    chat.listen(runtime.bot, input, () => quits++);
    stop = async () => {
      chat.close();
      await runtime.stop();
      await mm1.stop("test", { now: true });
      await ipc.stop();
    };
    /** Resolves once the chat shows `pattern` (on the output's own data events). */
    const shows = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${printed}`)), 5000);
        const check = () => {
          if (!pattern.test(printed)) return;
          clearTimeout(timer);
          output.off("data", check);
          resolve(printed);
        };
        output.on("data", check);
        setImmediate(check); // the data listener above runs first, so `printed` is current
      });
    return { chat, input, shows, quits: () => quits };
  }

  it("prints what the bot sends and edits, and turns typed lines and button words into updates", async () => {
    const { input, shows } = await start();
    input.write("/exit mm1 --now\n");
    await shows(
      /^bot › Confirm \/exit mm1 --now\?\n {6}.*\n {6}\[Confirm\] \[Cancel\] {2}\(type the button's word/m,
    );
    input.write("CONFIRM\n");
    const out = await shows(/^bot ✎ exit --now → mm1\n {6}mm1: ok, .+ — exited, step aborted$/m);
    expect(out).not.toMatch(/commands start with/);
    input.write("hello\n");
    await shows(/^\(commands start with "\/", e\.g\. \/help; "quit" or Ctrl-C ends the demo\)$/m);
  });

  it("reads who you are from the update it built, and quits on quit", async () => {
    const { input, shows, quits } = await start();
    input.write("/whoami\n");
    await shows(/^bot › .*Telegram user id 1, role operator\.$/m);
    input.write("quit\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits()).toBe(1);
  });

  it("answers like the Bot API: not modified, not found, unknown method", async () => {
    const chat = new TerminalChat({ userId: USER, output: new PassThrough() });
    const sent = (await chat.callApi("sendMessage", { chat_id: USER, text: "a" })) as { message_id: number };
    const edit = (text: string, message_id = sent.message_id) =>
      chat.callApi("editMessageText", { chat_id: USER, message_id, text });
    await expect(edit("a")).rejects.toThrow(/message is not modified/);
    await expect(edit("b", 999)).rejects.toThrow(/message to edit not found/);
    await expect(chat.callApi("sendPhoto", {})).rejects.toBeInstanceOf(TelegramError);
    expect(chat.pressUpdate("confirm")).toBeUndefined();
  });
});
