/**
 * Stopping never waits on a failing Bot API (issue 10, part 7): retries end when the shutdown's
 * AbortSignal fires, and the bot's stop gives commands in flight a short grace, then cuts them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBotRuntime } from "../../src/bot/runtime.ts";
import { FakeClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { TelegramAbortError, withTelegramRetry } from "../../src/telegram/retry.ts";
import { FAKE_BOT_INFO } from "../../src/testing/fake-telegram.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { flush, until } from "../helpers.ts";
import { auditLines, captureLogger } from "./helpers.ts";

const OP = 1;
const badGateway = () => Object.assign(new Error("502: Bad Gateway"), { response: { error_code: 502 } });

describe("withTelegramRetry and its AbortSignal", () => {
  it("an abort during the backoff wait rejects at once and leaves no timer", async () => {
    const clock = new FakeClock(0);
    const stop = new AbortController();
    let calls = 0;
    const result = withTelegramRetry(
      async () => {
        calls++;
        throw badGateway();
      },
      { clock, signal: stop.signal },
    );
    await flush();
    expect(calls).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    stop.abort();
    await expect(result).rejects.toBeInstanceOf(TelegramAbortError);
    await expect(result).rejects.toMatchObject({ code: "ABORTED", name: "AbortError" });
    expect(clock.pendingTimers).toBe(0);
    expect(calls).toBe(1);
  });

  it("an already aborted signal makes no call; a call failing because of the abort is not retried", async () => {
    const stop = new AbortController();
    stop.abort();
    let calls = 0;
    const call = async () => {
      calls++;
      return "never";
    };
    await expect(withTelegramRetry(call, { signal: stop.signal })).rejects.toMatchObject({ code: "ABORTED" });
    expect(calls).toBe(0);

    const live = new AbortController();
    const clock = new FakeClock(0);
    const cut = withTelegramRetry(
      async () => {
        calls++;
        live.abort(); // like fetch rejecting a request the signal cut
        throw Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
      },
      { clock, signal: live.signal },
    );
    await expect(cut).rejects.toBeInstanceOf(TelegramAbortError);
    expect(calls).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("the bot's stop during an outage", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("a command whose reply is retried against 502 does not hold the stop; it is audited as cut", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP], logger });
    h.telegram.failNext(10_000, { code: 502 }, ["sendMessage"]);
    await h.send(OP, "/help");
    await h.waitUntil(() => h.telegram.callsTo("sendMessage").length > 1, {
      what: "the reply to be retried",
    });
    const start = Date.now();
    await h.close();
    const ms = Date.now() - start;
    expect(ms).toBeLessThan(2000);
    expect(ms).toBeGreaterThanOrEqual(900); // the grace for commands in flight
    expect(auditLines(lines).at(-1)).toMatchObject({
      command: "help",
      outcome: "error",
      detail: "Bot API call abandoned: the bot is stopping",
    });
    expect(lines.some((l) => l.level === 50)).toBe(false);
  });

  it("with nothing in flight the stop is immediate", async () => {
    h = await createHarness({ operators: [OP] });
    const start = Date.now();
    await h.close();
    expect(Date.now() - start).toBeLessThan(500);
  });

  it("an alert whose request hangs (Telegram not answering) is cut by the stop, not left to time out", async () => {
    const config = loadConfig({ MISSIONCTL_ALERT_CHATS: "5" }, { envFile: false });
    const ipc = new IpcCommandSystem({
      id: config.MISSIONCTL_ID,
      transport: new MemoryTransport(new MemoryHub(), config.MISSIONCTL_ID),
    });
    await ipc.start();
    const hanging: { text: string; aborted: boolean }[] = [];
    const callApi = (method: string, payload: Record<string, unknown>, opts?: { signal?: unknown }) => {
      if (method !== "sendMessage") return Promise.resolve(true);
      const call = { text: String(payload.text), aborted: false };
      hanging.push(call);
      return new Promise((_resolve, reject) => {
        (opts?.signal as AbortSignal | undefined)?.addEventListener("abort", () => {
          call.aborted = true;
          reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" }));
        });
      });
    };
    const runtime = await createBotRuntime({ config, ipc, telegram: { callApi }, botInfo: FAKE_BOT_INFO });
    await runtime.start();
    runtime.bus.emit("alert", { processId: "mm1", kind: "crashed", text: "🔴 mm1 crashed", repeat: false });
    await until(() => hanging.length > 0, 2000, "the alert to be sent");
    const start = Date.now();
    await runtime.stop();
    await ipc.stop();
    expect(Date.now() - start).toBeLessThan(500);
    expect(hanging).toEqual([expect.objectContaining({ aborted: true })]);
  });
});
