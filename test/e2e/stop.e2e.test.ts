/**
 * Stopping the real `missionctl bot` process while the Bot API is failing (issue 10, part 7): SIGTERM
 * and SIGINT end it within seconds in every state — retrying start-up calls, polling, a command's
 * reply being retried — instead of waiting out the 10-minute retry deadline.
 */
import { afterEach, describe, expect, it } from "vitest";
import { pollFor } from "../helpers.ts";
import { BotApiServer } from "./bot-api-server.ts";
import { type Child, exited } from "./child.ts";
import { type Cleanups, startBot } from "./start-bot.ts";

const TOKEN = "123456:TEST";
const OPERATOR = 111;
/** The product target is 2 s; the slack keeps a busy machine from failing the test. */
const STOP_WITHIN_MS = 5000;

describe("missionctl bot stops promptly during a Telegram outage", () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const outputOf = (bot: Child) => () => bot.output.join("").slice(-4000);

  /** Sends `signal` and resolves with how long the process took to exit, and its exit code. */
  async function stop(bot: Child, signal: NodeJS.Signals): Promise<{ ms: number; code: number | null }> {
    const start = Date.now();
    bot.proc.kill(signal);
    const code = await Promise.race([
      bot.exit,
      new Promise<"late">((resolve) => setTimeout(() => resolve("late"), STOP_WITHIN_MS * 2)),
    ]);
    const ms = Date.now() - start;
    if (code === "late") throw new Error(`still running ${ms} ms after ${signal}:\n${outputOf(bot)()}`);
    return { ms, code };
  }

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} while getMe is answered 502 and retried`, async () => {
      const api = new BotApiServer(TOKEN, { failing: { status: 502 } });
      const bot = await startBot(api, cleanups, { operator: OPERATOR });
      await pollFor(
        () => api.failed.filter((p) => p.endsWith("/getMe")).length >= 2,
        20_000,
        "getMe to be retried",
        outputOf(bot),
      );
      const { ms, code } = await stop(bot, signal);
      expect(code, outputOf(bot)()).toBe(0);
      expect(ms, outputOf(bot)()).toBeLessThan(STOP_WITHIN_MS);
      expect(bot.output.join("")).not.toContain("could not start the bot");
    }, 40_000);
  }

  it("SIGTERM while polling and every call, getUpdates included, is answered 502", async () => {
    const api = new BotApiServer(TOKEN);
    const bot = await startBot(api, cleanups, { operator: OPERATOR });
    await pollFor(() => api.polls > 0, 20_000, "the bot to poll", outputOf(bot));
    api.failing = { status: 502 };
    await pollFor(
      () => api.failed.some((p) => p.endsWith("/getUpdates")),
      10_000,
      "a failed getUpdates",
      outputOf(bot),
    );
    const { ms, code } = await stop(bot, "SIGTERM");
    expect(code, outputOf(bot)()).toBe(0);
    expect(ms, outputOf(bot)()).toBeLessThan(STOP_WITHIN_MS);
  }, 40_000);

  it("SIGTERM while a command's reply is retried against 502 (polling still works)", async () => {
    const api = new BotApiServer(TOKEN);
    const bot = await startBot(api, cleanups, { operator: OPERATOR });
    await pollFor(() => api.polls > 0, 20_000, "the bot to poll", outputOf(bot));
    api.failing = { status: 502, methods: ["sendMessage"] };
    api.push(api.telegram.textUpdate({ userId: OPERATOR }, "/help"));
    await pollFor(
      () => api.failed.filter((p) => p.endsWith("/sendMessage")).length >= 2,
      10_000,
      "the reply to be retried",
      outputOf(bot),
    );
    const { ms, code } = await stop(bot, "SIGINT");
    expect(code, outputOf(bot)()).toBe(0);
    expect(ms, outputOf(bot)()).toBeLessThan(STOP_WITHIN_MS);
  }, 40_000);

  it("polling outlasts a 502 outage (retried here, abortably) and serves commands after it", async () => {
    const api = new BotApiServer(TOKEN);
    const bot = await startBot(api, cleanups, { operator: OPERATOR });
    await pollFor(() => api.polls > 0, 20_000, "the bot to poll", outputOf(bot));
    api.failing = { status: 502 };
    await pollFor(
      () => api.failed.filter((p) => p.endsWith("/getUpdates")).length >= 3,
      15_000,
      "getUpdates to be retried",
      outputOf(bot),
    );
    api.failing = undefined;
    api.push(api.telegram.textUpdate({ userId: OPERATOR }, "/whoami"));
    await pollFor(
      () => api.telegram.botMessages(OPERATOR).find((m) => /operator/.test(m.text)),
      15_000,
      "the bot to answer after the outage",
      outputOf(bot),
    );
    expect(exited(bot)).toBe(false);
  }, 40_000);
});
