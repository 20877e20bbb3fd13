/**
 * Webhook mode (TELEGRAM_WEBHOOK_URL): a small HTTP server, behind the operator's TLS proxy, that
 * takes the updates Telegram posts and hands each to the bot's `handleUpdate`, the same path long
 * polling feeds. telegraf's own `webhookCallback` is not used for the HTTP side: in 4.16.3 it answers
 * a wrong secret, a wrong path and a GET alike with 403, bad JSON with 415, reads a body of any size
 * before looking at it, and its debug output prints the expected secret on a mismatch. Here every
 * request passes the gate of ./webhook-gate.ts (path 404, method 405, secret 401, size 413, JSON 400)
 * before anything reaches telegraf; this file is the server around it, and setWebhook.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import { MissionctlError } from "../errors.ts";
import { ListenError, listenHttp } from "../http/listen.ts";
import { type Logger, silentLogger } from "../log.ts";
import { isAbortError } from "../telegram/retry.ts";
import { answerWebhook, DEFAULT_MAX_BODY_BYTES, webhookGate } from "./webhook-gate.ts";

export { DEFAULT_MAX_BODY_BYTES, SECRET_HEADER } from "./webhook-gate.ts";

/** What can stop webhook mode from starting. */
export type WebhookErrorCode = "LISTEN" | "SET_WEBHOOK" | "NOT_CONFIGURED";

/**
 * Webhook mode could not start: the listen address is unusable (`LISTEN`: `missionctl bot` exits 2),
 * Telegram refused setWebhook (`SET_WEBHOOK`: exit 1), or no URL and secret are configured
 * (`NOT_CONFIGURED`). The message never carries the secret.
 *
 * @example
 * try { await bot.launchWebhook(); } catch (e) { if (e instanceof WebhookError && e.code === "LISTEN") ... }
 */
export class WebhookError extends MissionctlError<WebhookErrorCode> {
  override name = "WebhookError";
}

export interface WebhookServerOptions {
  /** The public URL given to setWebhook; its path is the only one served (a proxy can route on it). */
  url: string;
  listen: { host: string; port: number };
  secret: string;
  /** Takes one update (the bot's handleUpdate); the request is answered 200 once it resolves. */
  handleUpdate: (update: Update) => Promise<void>;
  logger?: Logger;
  /** Largest body accepted (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
}

/** A listening webhook server. */
export interface WebhookServer {
  /** Where it listens (the real port when port 0 was asked for). */
  readonly address: { host: string; port: number };
  /** The path it serves. */
  readonly path: string;
  /**
   * Stops taking connections and ends idle ones at once; requests still running get `graceMs`
   * (default 300), then their connections are cut. Resolves once the server is closed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the webhook server; resolves once it listens. A busy or unusable address rejects with a
 * {@link WebhookError} `LISTEN`.
 *
 * @example
 * const server = await startWebhookServer({
 *   url: "https://bot.example.com/tg/missionctl",
 *   listen: { host: "127.0.0.1", port: 8443 },
 *   secret,
 *   handleUpdate: (update) => bot.handleUpdate(update),
 * });
 * await server.close();
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = (options.logger ?? silentLogger).child({ module: "webhook" });
  const path = new URL(options.url).pathname;
  const admit = webhookGate({
    path,
    secret: options.secret,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    log,
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const update = await admit(req, res);
    if (!update) return;
    try {
      await options.handleUpdate(update);
    } catch (err) {
      // Only getting the bot's own identity can fail here (telegraf.catch takes handler errors);
      // a 500 makes Telegram deliver the update again later.
      log.error({ err, updateId: update.update_id }, "webhook update could not be handled");
      return answerWebhook(res, 500);
    }
    answerWebhook(res, 200);
  }

  const listener = await listenHttp({
    host: options.listen.host,
    port: options.listen.port,
    handler: (req, res) => {
      void serve(req, res).catch((err) => {
        log.error({ err }, "webhook request failed");
        if (!res.headersSent) answerWebhook(res, 500);
        else res.destroy();
      });
    },
    // A slow or stalled client must not hold a connection (or the stop) for node's 5-minute default.
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    onError: (err) => log.error({ err }, "webhook server error"),
  }).catch((err: unknown) => {
    throw err instanceof ListenError ? listenFailed(err) : err;
  });
  return { address: listener.address, path, close: (graceMs = 300) => listener.close(graceMs) };
}

/** The WebhookError `LISTEN` for an unusable TELEGRAM_WEBHOOK_LISTEN, naming it. */
function listenFailed(err: ListenError): WebhookError {
  const where = `${err.host}:${err.port}`;
  const why = err.inUse ? "the address is already in use" : err.cause.message;
  const message = `cannot listen for the webhook on ${where} (TELEGRAM_WEBHOOK_LISTEN): ${why}`;
  return new WebhookError("LISTEN", message, { listen: where, errno: err.errno });
}

/**
 * Tells Telegram to post updates to `url` with `secret` in their header, keeping the updates queued
 * meanwhile (`drop_pending_updates: false`). The call goes through the bot's retrying client, so 429,
 * 5xx and network errors are retried; anything else (a bad URL, a refused certificate) rejects with
 * a {@link WebhookError} `SET_WEBHOOK`. An abandoned call (the bot stopping) rejects as it was.
 *
 * @example
 * await registerWebhook(client, config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET);
 */
export async function registerWebhook(
  telegram: Pick<Telegram, "setWebhook">,
  url: string,
  secret: string,
): Promise<void> {
  try {
    // One connection at a time: Telegram then delivers a chat's updates in order, as polling does
    // (/pause then /resume must not swap); each is answered at once, so this costs no throughput that matters.
    await telegram.setWebhook(url, { secret_token: secret, drop_pending_updates: false, max_connections: 1 });
  } catch (err) {
    if (isAbortError(err)) throw err;
    // telegraf's TelegramError carries the request (`on.payload`, the secret included) and a logger
    // would print it: only the message is kept, and the secret cut from it should Telegram echo it.
    const status = (err as { response?: { error_code?: unknown } }).response?.error_code;
    const message = String((err as Error)?.message ?? err)
      .split(secret)
      .join("[redacted]");
    throw new WebhookError(
      "SET_WEBHOOK",
      `Telegram refused setWebhook (check TELEGRAM_WEBHOOK_URL): ${message}`,
      typeof status === "number" ? { status } : {},
    );
  }
}
