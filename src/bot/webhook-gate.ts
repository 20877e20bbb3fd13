/**
 * The webhook server's gate: what a request must be before its update reaches telegraf, checked in
 * this order: path (404), method (405), secret (401, compared in constant time), size (413, never
 * buffered past the limit), JSON with an integer update_id (400). The answers are short plain text.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "telegraf/types";
import type { Logger } from "../log.ts";

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

export interface WebhookGateOptions {
  /** The only path served (the webhook URL's). */
  path: string;
  /** setWebhook's `secret_token`, expected in {@link SECRET_HEADER}. */
  secret: string;
  /** Largest body accepted. */
  maxBodyBytes: number;
  /** Hears refused secrets (rate-limited, the value never logged). */
  log: Logger;
}

/**
 * Checks one request: resolves with its update when it passes; otherwise the refusal has been
 * answered (or the client went away) and it resolves with undefined.
 */
export type WebhookGate = (req: IncomingMessage, res: ServerResponse) => Promise<Update | undefined>;

/**
 * Builds the gate for one webhook URL and secret.
 *
 * @example
 * const admit = webhookGate({ path: "/tg/missionctl", secret, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, log });
 * const update = await admit(req, res);
 * if (update) { await bot.handleUpdate(update); answerWebhook(res, 200); }
 */
export function webhookGate(options: WebhookGateOptions): WebhookGate {
  const expected = digest(options.secret);
  const refusals = refusalLog(options.log);
  return async (req, res) => {
    if (pathOf(req.url) !== options.path) return refuse(res, 404);
    if (req.method !== "POST") return refuse(res, 405, { allow: "POST" });
    if (!secretMatches(req.headers[SECRET_HEADER], expected)) {
      refusals.refused(req);
      return refuse(res, 401);
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (body === "too-large") return refuse(res, 413, { connection: "close" });
    if (body === "aborted") return undefined;
    return parseUpdate(body) ?? refuse(res, 400);
  };
}

/**
 * Answers a webhook request with `status` and a short plain-text reason (none for 200), unless an
 * answer was sent already.
 *
 * @example
 * answerWebhook(res, 500); // "internal error": Telegram delivers the update again later
 */
export function answerWebhook(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
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

function refuse(res: ServerResponse, status: number, headers?: Record<string, string>): undefined {
  answerWebhook(res, status, headers);
  return undefined;
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
