import { EventEmitter } from "node:events";
import { TelegramError } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import type { CallApi } from "../../src/bot/create-bot.ts";
import { type BotRuntime, createBotRuntime } from "../../src/bot/runtime.ts";
import { loadConfig } from "../../src/config.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { BotHealth } from "../../src/metrics/health.ts";
import { POLLING_FAILURES_BEFORE_DOWN, watchPollingHealth } from "../../src/metrics/polling-health.ts";
import type { ApiObserver } from "../../src/telegram/client.ts";
import { FakeTelegram, waitFor } from "../../src/testing/index.ts";

describe("the telegram health part in polling mode", () => {
  it("follows the polling flag and consecutive getUpdates failures", () => {
    const observers = new Set<ApiObserver>();
    const bot = {
      polling: false,
      observeApi: (o: ApiObserver) => {
        observers.add(o);
        return () => observers.delete(o);
      },
    };
    const tell = (method: string, ok: boolean) => {
      for (const o of observers) o({ method, ok, ...(ok ? {} : { why: "502" }) });
    };
    const health = new BotHealth();
    const stop = watchPollingHealth(bot, health);
    expect(health.isUp("telegram")).toBe(false); // not polling yet
    bot.polling = true;
    expect(health.isUp("telegram")).toBe(true);

    for (let i = 1; i < POLLING_FAILURES_BEFORE_DOWN; i++) tell("getUpdates", false);
    expect(health.isUp("telegram")).toBe(true); // one or two 502s are no outage
    tell("sendMessage", false); // other methods do not count
    tell("sendMessage", true);
    expect(health.isUp("telegram")).toBe(true);
    tell("getUpdates", false);
    expect(health.isUp("telegram")).toBe(false);
    tell("sendMessage", true); // a message getting through is not polling
    expect(health.isUp("telegram")).toBe(false);
    tell("getUpdates", true);
    expect(health.isUp("telegram")).toBe(true);

    bot.polling = false; // polling stopped
    expect(health.isUp("telegram")).toBe(false);
    bot.polling = true;
    stop();
    expect(health.isUp("telegram")).toBe(false);
    expect(observers.size).toBe(0);
  });

  describe("with the real bot's long polling", () => {
    let runtime: BotRuntime | undefined;
    let ipc: IpcCommandSystem | undefined;
    afterEach(async () => {
      await runtime?.stop();
      await ipc?.stop();
    });

    it("up once polling started, down while getUpdates keeps failing, up again, down after the stop", async () => {
      const config = loadConfig({ MISSIONCTL_OPERATORS: "1" }, { envFile: false });
      ipc = new IpcCommandSystem({ transport: new MemoryTransport(new MemoryHub(), config.MISSIONCTL_ID) });
      await ipc.start();
      const telegram = new FakeTelegram();
      const polls = new EventEmitter();
      let failing = false;
      // FakeTelegram answers everything but getUpdates: here a long poll that returns nothing, or a 502.
      const callApi: CallApi = async (method, payload) => {
        if (method !== "getUpdates") return telegram.callApi(method, payload);
        queueMicrotask(() => polls.emit("poll"));
        if (failing) throw new TelegramError({ error_code: 502, description: "Bad Gateway" });
        await new Promise((resolve) => setTimeout(resolve, 5));
        return [];
      };
      runtime = await createBotRuntime({
        config,
        ipc,
        telegram: { callApi, retry: { baseDelayMs: 1 } },
        botInfo: telegram.botInfo,
      });
      const health = new BotHealth();
      watchPollingHealth(runtime.bot, health);
      const bot = runtime.bot;
      const until = (probe: () => boolean, what: string) =>
        waitFor(() => probe() || undefined, [{ emitter: polls, events: ["poll"] }], {
          timeoutMs: 5000,
          what,
        });

      expect(health.isUp("telegram")).toBe(false);
      await bot.launch();
      expect(health.isUp("telegram")).toBe(true);

      failing = true;
      await until(() => !health.isUp("telegram"), "telegram down while getUpdates fails");
      expect(bot.polling).toBe(true); // still polling (retrying): it is the failures that count
      failing = false;
      await until(() => health.isUp("telegram"), "telegram up once getUpdates answers again");

      await runtime.stop();
      runtime = undefined;
      expect(health.isUp("telegram")).toBe(false);
    });
  });
});
