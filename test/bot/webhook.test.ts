/**
 * Webhook mode (TELEGRAM_WEBHOOK_URL): the server's gatekeeping over real HTTP, the bot behind it
 * (the same update path as long polling), setWebhook at start, the stop, and `missionctl bot` as a
 * child process in webhook mode against a local Bot API server.
 */
import { createServer, type Server } from "node:net";
import { TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import { afterEach, describe, expect, it } from "vitest";
import { createBotRuntime } from "../../src/bot/runtime.ts";
import {
  registerWebhook,
  startWebhookServer,
  WebhookError,
  type WebhookServer,
} from "../../src/bot/webhook.ts";
import { loadConfig } from "../../src/config.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../../src/ipc/memory-transport.ts";
import { FAKE_BOT_INFO, FakeTelegram } from "../../src/testing/fake-telegram.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { BotApiServer } from "../e2e/bot-api-server.ts";
import { type Child, exited } from "../e2e/child.ts";
import { type Cleanups, startBot } from "../e2e/start-bot.ts";
import { pollFor } from "../helpers.ts";
import { captureLogger } from "./helpers.ts";
import { freePort, post, postHeadersOnly, postStreaming } from "./webhook-client.ts";

const URL_ = "https://bot.example.com/tg/missionctl";
const PATH = "/tg/missionctl";
const SECRET = "s3cret_TEST-webhook-token";
const LOOPBACK = { host: "127.0.0.1", port: 0 };
const OP = 111;
const WEBHOOK_ENV = { TELEGRAM_WEBHOOK_URL: URL_, TELEGRAM_WEBHOOK_SECRET: SECRET };
/** /whoami's answer to OP in any language ("Telegram user id 111, role operator."): the command ran. */
const WHOAMI = /id 111\b/;

const update = (id: number): Update =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: OP, type: "private", first_name: "op" },
      from: { id: OP, is_bot: false, first_name: "op" },
      text: "/whoami",
      entities: [{ type: "bot_command", offset: 0, length: 7 }],
    },
  }) as Update;

describe("the webhook server's gate: nothing but a well-formed, authenticated POST reaches the bot", () => {
  let server: WebhookServer | undefined;
  const handled: Update[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    handled.length = 0;
  });

  async function start(options: { maxBodyBytes?: number; fail?: boolean } = {}): Promise<number> {
    server = await startWebhookServer({
      url: URL_,
      listen: LOOPBACK,
      secret: SECRET,
      handleUpdate: async (u) => {
        if (options.fail) throw new Error("getMe failed");
        handled.push(u);
      },
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    });
    return server.address.port;
  }

  it("a POST to the URL's path with the right secret is handed on and answered 200", async () => {
    const port = await start();
    const answer = await post(port, PATH, { secret: SECRET, body: update(7) });
    expect(answer.status).toBe(200);
    expect(handled.map((u) => u.update_id)).toEqual([7]);
    // A query string does not change the path (Telegram keeps any query the URL had).
    expect((await post(port, `${PATH}?x=1`, { secret: SECRET, body: update(8) })).status).toBe(200);
  });

  it("a wrong secret, a missing one, and one that only shares a prefix are 401", async () => {
    const port = await start();
    for (const secret of ["wrong", undefined, "", SECRET.slice(0, -1), `${SECRET}x`]) {
      const answer = await post(port, PATH, { ...(secret !== undefined ? { secret } : {}), body: update(1) });
      expect(answer.status, `secret ${JSON.stringify(secret)}`).toBe(401);
      expect(answer.body).not.toContain(SECRET);
    }
    expect(handled).toEqual([]);
  });

  it("another path is 404, a GET is 405 (Allow: POST), whatever the secret", async () => {
    const port = await start();
    for (const path of ["/", "/tg", `${PATH}/x`, "/tg/missionctl2", "/telegraf"]) {
      expect((await post(port, path, { secret: SECRET, body: update(1) })).status, path).toBe(404);
    }
    const get = await post(port, PATH, { method: "GET", secret: SECRET });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect((await post(port, PATH, { method: "PUT", secret: SECRET, body: update(1) })).status).toBe(405);
    expect(handled).toEqual([]);
  });

  it("bad JSON, and JSON that is no update, are 400", async () => {
    const port = await start();
    for (const body of ["{not json", "", "[]", "null", '"text"', '{"message":{}}', '{"update_id":"1"}']) {
      expect((await post(port, PATH, { secret: SECRET, body })).status, body).toBe(400);
    }
    expect(handled).toEqual([]);
  });

  it("a body over 1 MiB is 413: by Content-Length before any of it is sent", async () => {
    const port = await start();
    expect((await postHeadersOnly(port, PATH, SECRET, 2 * 1024 * 1024)).status).toBe(413);
    // The limit is the limit: just under it is read (and refused as no update, not as too large).
    const under = `{"update_id":1,"pad":"${"x".repeat(1024 * 1024 - 40)}"}`;
    expect((await post(port, PATH, { secret: SECRET, body: under })).status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it("a streamed body over the limit is 413 as soon as it passes it, long before the client is done", async () => {
    const port = await start();
    const total = 64 * 1024 * 1024;
    const { status, written } = await postStreaming(port, PATH, SECRET, total);
    expect(status).toBe(413);
    expect(written).toBeLessThan(total / 2);
    expect(handled).toEqual([]);
  });

  it("an update the bot cannot take (its getMe failing) is 500, so Telegram delivers it again", async () => {
    const port = await start({ fail: true });
    expect((await post(port, PATH, { secret: SECRET, body: update(1) })).status).toBe(500);
  });

  it("a busy address is a WebhookError LISTEN naming the address", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const failed = startWebhookServer({
        url: URL_,
        listen: { host: "127.0.0.1", port },
        secret: SECRET,
        handleUpdate: async () => {},
      });
      await expect(failed).rejects.toBeInstanceOf(WebhookError);
      await expect(failed).rejects.toMatchObject({
        code: "LISTEN",
        message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}.*already in use`)),
      });
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it("close() frees the port promptly, even with a keep-alive connection open", async () => {
    const port = await start();
    const { request, Agent } = await import("node:http");
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: PATH,
          method: "POST",
          agent,
          headers: { "x-telegram-bot-api-secret-token": SECRET },
        },
        (res) => {
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(update(3)));
    });
    const started = Date.now();
    await server?.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(post(port, PATH, { secret: SECRET, body: update(4) })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    agent.destroy();
  });
});

describe("registerWebhook", () => {
  it("sets the URL and the secret, keeping queued updates", async () => {
    const calls: [string, unknown][] = [];
    const setWebhook = async (url: string, extra: unknown) => {
      calls.push([url, extra]);
      return true as const;
    };
    await registerWebhook({ setWebhook }, URL_, SECRET);
    expect(calls).toEqual([
      [URL_, { secret_token: SECRET, drop_pending_updates: false, max_connections: 1 }],
    ]);
  });

  it("a refusal is a WebhookError SET_WEBHOOK with Telegram's reason, without the request (secret) in it", async () => {
    const refusal = new TelegramError(
      { error_code: 400, description: "Bad Request: bad webhook: Failed to resolve host" },
      { method: "setWebhook", payload: { url: URL_, secret_token: SECRET } },
    );
    const failed = registerWebhook({ setWebhook: async () => Promise.reject(refusal) }, URL_, SECRET);
    await expect(failed).rejects.toMatchObject({
      name: "WebhookError",
      code: "SET_WEBHOOK",
      context: { status: 400 },
      message: expect.stringContaining("Failed to resolve host"),
    });
    const err = await failed.catch((e: unknown) => e);
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain(SECRET);
    expect((err as Error).cause).toBeUndefined();
  });
});

describe("the bot in webhook mode", () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function webhookBot(onHealth?: (up: boolean) => void) {
    const { logger, lines } = captureLogger("debug");
    h = await createHarness({ operators: [OP], env: WEBHOOK_ENV, logger });
    const address = await h.runtime.bot.launchWebhook({
      listen: LOOPBACK,
      ...(onHealth ? { onHealth } : {}),
    });
    return { h, port: address.port, lines };
  }

  it("sets the webhook with the URL and the secret at start, and health goes up only then", async () => {
    const health: boolean[] = [];
    const { h, lines } = await webhookBot((up) => health.push(up));
    expect(h.telegram.callsTo("setWebhook").map((c) => c.payload)).toEqual([
      { url: URL_, secret_token: SECRET, drop_pending_updates: false, max_connections: 1 },
    ]);
    expect(h.telegram.callsTo("deleteWebhook")).toEqual([]);
    expect(health).toEqual([true]);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it("an update with the right secret runs its command like a polled one (/whoami is answered)", async () => {
    const { h, port } = await webhookBot();
    const whoami = h.telegram.textUpdate({ userId: OP }, "/whoami");
    expect((await post(port, PATH, { secret: SECRET, body: whoami })).status).toBe(200);
    await h.waitForMessage(WHOAMI, { chatId: OP });
    // Telegram redelivering the same update_id (it saw no 200 in time) runs it once, as with polling.
    expect((await post(port, PATH, { secret: SECRET, body: whoami })).status).toBe(200);
    await h.idle();
    expect(h.telegram.botMessages(OP).filter((m) => WHOAMI.test(m.text))).toHaveLength(1);
  });

  it("a wrong or missing secret is 401 and nothing runs: no message is sent", async () => {
    const { h, port, lines } = await webhookBot();
    const sent = () => h.telegram.callsTo("sendMessage").length;
    for (const secret of ["nope", undefined]) {
      const body = h.telegram.textUpdate({ userId: OP }, "/whoami");
      const answer = await post(port, PATH, { ...(secret !== undefined ? { secret } : {}), body });
      expect(answer.status).toBe(401);
    }
    await h.idle();
    expect(sent()).toBe(0);
    // The refusal is logged (once) without the secret, and a right secret still works after it.
    expect(lines.filter((l) => /refused \(401\)/.test(String(l.msg)))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect((await post(port, PATH, { secret: SECRET, body: update(900) })).status).toBe(200);
    await h.waitForMessage(WHOAMI, { chatId: OP });
  });

  it("the stop closes the server within the bound, health goes down, and the webhook stays set", async () => {
    const health: boolean[] = [];
    const { h, port } = await webhookBot((up) => health.push(up));
    const started = Date.now();
    await h.runtime.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(health).toEqual([true, false]);
    await expect(post(port, PATH, { secret: SECRET, body: update(5) })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    expect(h.telegram.callsTo("deleteWebhook")).toEqual([]);
  });

  it("Telegram refusing setWebhook rejects the launch (no secret in it), frees the port, health never up", async () => {
    const config = loadConfig(WEBHOOK_ENV, { envFile: false });
    const ipc = new IpcCommandSystem({
      id: config.MISSIONCTL_ID,
      transport: new MemoryTransport(new MemoryHub(), config.MISSIONCTL_ID),
    });
    await ipc.start();
    const tg = new FakeTelegram();
    const callApi = async (method: string, payload: Record<string, unknown>) => {
      if (method === "setWebhook")
        throw new TelegramError(
          {
            error_code: 400,
            description: "Bad Request: bad webhook: HTTPS url must be provided for webhook",
          },
          { method, payload },
        );
      return tg.callApi(method, payload);
    };
    const runtime = await createBotRuntime({ config, ipc, telegram: { callApi }, botInfo: FAKE_BOT_INFO });
    const port = await freePort();
    const health: boolean[] = [];
    try {
      const launched = runtime.bot.launchWebhook({
        listen: { host: "127.0.0.1", port },
        onHealth: (up) => health.push(up),
      });
      const err = await launched.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "SET_WEBHOOK", message: expect.stringContaining("HTTPS url") });
      expect(String((err as Error).message)).not.toContain(SECRET);
      expect(health).toEqual([]);
      await expect(post(port, PATH, { secret: SECRET, body: update(1) })).rejects.toMatchObject({
        code: "ECONNREFUSED",
      });
    } finally {
      await runtime.stop();
      await ipc.stop();
    }
  });
});

describe("missionctl bot in webhook mode (child process, local Bot API)", () => {
  const TOKEN = "123456:TEST";
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The bot in webhook mode, listening for Telegram on `port`. */
  async function startWebhookBot(
    port: number,
    env: Record<string, string> = {},
  ): Promise<{ api: BotApiServer; bot: Child }> {
    const api = new BotApiServer(TOKEN);
    const bot = await startBot(api, cleanups, {
      operator: OP,
      env: { ...WEBHOOK_ENV, TELEGRAM_WEBHOOK_LISTEN: `127.0.0.1:${port}`, ...env },
    });
    return { api, bot };
  }

  it("sets the webhook, serves an update, never polls, and stops on SIGTERM (exit 0) leaving it set", async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const { api, bot } = await startWebhookBot(port, { MISSIONCTL_METRICS: `127.0.0.1:${metricsPort}` });
    const output = () => bot.output.join("").slice(-4000);
    await pollFor(
      () => api.telegram.callsTo("setWebhook").length > 0 || exited(bot),
      30_000,
      "setWebhook",
      output,
    );
    expect(api.telegram.callsTo("setWebhook")[0]?.payload).toMatchObject({ url: URL_, secret_token: SECRET });
    await pollFor(() => /"bot started"/.test(output()) || exited(bot), 10_000, "the bot to start", output);
    // /healthz's "telegram" part comes from the webhook once it is set (there is no polling to watch).
    const health = await post(metricsPort, "/healthz", { method: "GET" });
    expect(health.status, health.body).toBe(200);
    const answer = await post(port, PATH, {
      secret: SECRET,
      body: api.telegram.textUpdate({ userId: OP }, "/whoami"),
    });
    expect(answer.status).toBe(200);
    await pollFor(
      () => api.telegram.botMessages(OP).find((m) => WHOAMI.test(m.text)),
      15_000,
      "the /whoami reply",
      output,
    );
    expect((await post(port, PATH, { secret: "wrong", body: update(99) })).status).toBe(401);
    expect(api.polls).toBe(0);
    const started = Date.now();
    bot.proc.kill("SIGTERM");
    expect(await bot.exit, output()).toBe(0);
    // 2 s is the product bound; the slack keeps a busy machine from failing the test.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(api.telegram.callsTo("deleteWebhook")).toEqual([]);
    expect(bot.output.join("")).not.toContain(SECRET);
    expect(bot.output.join("")).not.toContain(TOKEN);
  }, 60_000);

  it("a busy listen address stops the start with one line and exit code 2", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as { port: number }).port;
    const { api, bot } = await startWebhookBot(port);
    expect(await bot.exit, bot.output.join("")).toBe(2);
    const out = bot.output.join("");
    expect(out).toContain(`missionctl bot: cannot listen for the webhook on 127.0.0.1:${port}`);
    expect(out).not.toContain(SECRET);
    expect(api.telegram.callsTo("setWebhook")).toEqual([]);
  }, 60_000);
});
