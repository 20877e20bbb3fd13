/**
 * End to end: the real `missionctl bot` process against a local Bot API server (TELEGRAM_API_ROOT),
 * and two real `missionctl strategy` processes over ZeroMQ ipc.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { BotApiServer } from "./bot-api-server.ts";
import { type Child, exited, missionctl } from "./child.ts";

// A fake token in the Bot API's shape; never a real one in this repository.
const TOKEN = "123456:TEST";
const OPERATOR = 111;
const STRANGER = 999;

describe("missionctl bot end to end", () => {
  const ipc = tempIpcDir();
  const api = new BotApiServer(TOKEN);
  let bot: Child;
  let mm1: Child;
  let mm2: Child;
  const env = { MISSIONCTL_IPC_DIR: ipc.dir };

  const say = (userId: number, text: string) => api.push(api.telegram.textUpdate({ userId }, text));
  const botSays = (chatId: number, pattern: RegExp, timeoutMs = 20_000) =>
    pollFor(
      () => api.telegram.botMessages(chatId).find((m) => pattern.test(m.text)),
      timeoutMs,
      `the bot to say ${pattern}`,
      () =>
        `${api.telegram
          .messages()
          .map((m) => `${m.from}: ${m.text}`)
          .join("\n")}\n--- bot output ---\n${bot.output.join("").slice(-4000)}`,
    );

  beforeAll(async () => {
    const apiRoot = await api.listen();
    mm1 = missionctl(["strategy", "mm1", "--interval-ms", "600000"], env);
    mm2 = missionctl(["strategy", "mm2", "--interval-ms", "600000"], env);
    bot = missionctl(["bot"], {
      ...env,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      MISSIONCTL_OPERATORS: String(OPERATOR),
      MISSIONCTL_VIEWERS: "",
      MISSIONCTL_ALERT_CHATS: "",
      MISSIONCTL_PROCESSES: "",
    });
    await pollFor(
      () => api.polls > 0 || exited(bot),
      30_000,
      "the bot to poll",
      () => bot.output.join(""),
    );
    expect(exited(bot)).toBe(false);
    // Both strategies answer a ping from the chat: the bot hears them and they hear the bot.
    for (let attempt = 1; ; attempt++) {
      const before = api.telegram.botMessages(OPERATOR).length;
      say(OPERATOR, "/ping *");
      const done = await pollFor(
        () =>
          api.telegram
            .botMessages(OPERATOR)
            .slice(before)
            .find((m) => m.text.split("\n")[0] === "ping → *"),
        20_000,
        "/ping * to finish",
      );
      if (/mm1: ok/.test(done.text) && /mm2: ok/.test(done.text)) break;
      if (attempt >= 20) throw new Error(`the strategies never both answered:\n${done.text}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 90_000);

  afterAll(async () => {
    for (const child of [bot, mm1, mm2]) if (child && !exited(child)) child.proc.kill("SIGTERM");
    await Promise.all([bot?.exit, mm1?.exit, mm2?.exit]);
    await api.close();
    ipc.cleanup();
  }, 30_000);

  it("publishes the command menu from the registry", async () => {
    await pollFor(() => api.telegram.commands.length > 0, 10_000, "setMyCommands");
    expect(api.telegram.commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(["exit", "status", "help"]),
    );
  });

  it("a stranger's /exit mm2 is refused and mm2 keeps running", async () => {
    say(STRANGER, "/exit mm2");
    await botSays(STRANGER, /^Not authorized\. Your Telegram user id is 999\.$/);
    say(OPERATOR, "/ping mm2");
    await botSays(OPERATOR, /^ping → mm2\nmm2: ok/);
    expect(exited(mm2)).toBe(false);
    expect(api.telegram.botMessages(STRANGER)).toHaveLength(1);
  }, 40_000);

  it("an operator's /exit mm1 ends mm1 (exit code 0) and the chat shows it", async () => {
    say(OPERATOR, "/exit mm1");
    const message = await botSays(OPERATOR, /^exit → mm1\nmm1: ok/);
    expect(message.history.some((t) => /^exit → mm1 …/.test(t))).toBe(true);
    expect(await mm1.exit).toBe(0);
    expect(exited(mm2)).toBe(false);
  }, 40_000);

  it("stops cleanly on SIGTERM", async () => {
    bot.proc.kill("SIGTERM");
    expect(await bot.exit).toBe(0);
    expect(bot.output.join("")).not.toContain(TOKEN);
  }, 20_000);
});
