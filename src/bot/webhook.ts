/**
 * Webhook mode (TELEGRAM_WEBHOOK_URL): a small HTTP server, behind the operator's TLS proxy, that
 * takes the updates Telegram posts and hands each to the bot's `handleUpdate`, the same path long
 * polling feeds. telegraf's own `webhookCallback` is not used for the HTTP side: in 4.16.3 it answers
 * a wrong secret, a wrong path and a GET alike with 403, bad JSON with 415, reads a body of any size
 * before looking at it, and its debug output prints the expected secret on a mismatch. Here every
 * request is checked, in this order, before anything reaches telegraf: path (404), method (405),
 * secret (401, compared in constant time), size (413, never buffered past the limit), JSON (400).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import { MissionctlError } from "../errors.ts";
import { type Logger, silentLogger } from "../log.ts";
import { isAbortError } from "../telegram/retry.ts";

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

/**
 * The header Telegram sends the `secret_token` of setWebhook in, on every update (node lowercases).
 *
 * @example
 * req.headers[SECRET_HEADER]; // what Telegram sent, or undefined
 */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * Telegram's updates are a few KB; 1 MiB leaves room and still bounds what a stranger can send.
 *
 * @example
 * startWebhookServer({ ...options, maxBodyBytes: DEFAULT_MAX_BODY_BYTES / 4 });
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expected = digest(options.secret);
  const refusals = refusalLog(log);

  const server = createServer((req, res) => {
    void serve(req, res).catch((err) => {
      log.error({ err }, "webhook request failed");
      if (!res.headersSent) answer(res, 500);
      else res.destroy();
    });
  });
  // A slow or stalled client must not hold a connection (or the stop) for node's 5-minute default.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (pathOf(req.url) !== path) return answer(res, 404);
    if (req.method !== "POST") return answer(res, 405, { allow: "POST" });
    if (!secretMatches(req.headers[SECRET_HEADER], expected)) {
      refusals.refused(req);
      return answer(res, 401);
    }
    const body = await readBody(req, maxBody);
    if (body === "too-large") return answer(res, 413, { connection: "close" });
    if (body === "aborted") return;
    const update = parseUpdate(body);
    if (!update) return answer(res, 400);
    try {
      await options.handleUpdate(update);
    } catch (err) {
      // Only getting the bot's own identity can fail here (telegraf.catch takes handler errors);
      // a 500 makes Telegram deliver the update again later.
      log.error({ err, updateId: update.update_id }, "webhook update could not be handled");
      return answer(res, 500);
    }
    answer(res, 200);
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      const where = `${options.listen.host}:${options.listen.port}`;
      const why = err.code === "EADDRINUSE" ? "the address is already in use" : err.message;
      const message = `cannot listen for the webhook on ${where} (TELEGRAM_WEBHOOK_LISTEN): ${why}`;
      reject(new WebhookError("LISTEN", message, { listen: where, errno: err.code }));
    };
    server.once("error", failed);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  server.on("error", (err) => log.error({ err }, "webhook server error"));
  const bound = server.address() as AddressInfo;
  const address = { host: options.listen.host, port: bound.port };

  let closing: Promise<void> | undefined;
  return {
    address,
    path,
    close: (graceMs = 300) => {
      closing ??= closeServer(server, graceMs);
      return closing;
    },
  };
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

async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

/** The request's path without its query (Telegram keeps any query the URL had). */
function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? "", "http://webhook.invalid").pathname;
  } catch {
    return undefined;
  }
}

/** SHA-256 first, so the comparison takes the same time whatever the length of what was sent. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function secretMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== "string") return false;
  return timingSafeEqual(digest(header), expected);
}

/**
 * The body, or `too-large` as soon as it passes `limit` (by Content-Length, or while it arrives:
 * the rest is then discarded by node, not kept), or `aborted` when the client went away.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large" | "aborted"> {
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve("too-large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | "too-large" | "aborted") => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        done("too-large");
      } else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onClose = () => done("aborted");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", () => {});
  });
}

/** An update is a JSON object with an integer update_id; anything else is refused before telegraf. */
function parseUpdate(body: Buffer): Update | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Number.isInteger((value as { update_id?: unknown }).update_id) ? (value as Update) : undefined;
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(status === 200 ? "" : `${STATUS_TEXTS[status] ?? status}\n`);
}

const STATUS_TEXTS: Record<number, string> = {
  400: "bad request: not a Telegram update",
  401: "unauthorized",
  404: "not found",
  405: "method not allowed",
  413: "payload too large",
  500: "internal error",
};

/**
 * Logs refused secrets without flooding: the first at once, then at most one line a minute with the
 * count. A misconfigured proxy or a wrong secret shows up; a scanner does not fill the disk.
 */
function refusalLog(log: Logger): { refused(req: IncomingMessage): void } {
  let last = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  return {
    refused(req) {
      const now = Date.now();
      if (now - last < 60_000) {
        quiet++;
        return;
      }
      last = now;
      // Whether a header came at all tells "proxy drops it" from "wrong secret"; its value is never logged.
      const header = req.headers[SECRET_HEADER] === undefined ? "missing" : "wrong";
      log.warn(
        { remote: req.socket.remoteAddress, header, refusedSinceLastLine: quiet },
        "webhook request refused (401): missing or wrong X-Telegram-Bot-Api-Secret-Token",
      );
      quiet = 0;
    },
  };
}
