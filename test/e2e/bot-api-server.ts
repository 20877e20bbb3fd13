/**
 * A small HTTP server on 127.0.0.1 that speaks enough of the Bot API for `missionctl bot`
 * (getMe, getUpdates long polling, sendMessage, editMessageText, answerCallbackQuery,
 * setMyCommands, deleteWebhook). Method semantics come from FakeTelegram; this adds HTTP and the
 * update queue.
 */
import { createServer, type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "telegraf/types";
import { FakeTelegram } from "../../src/testing/fake-telegram.ts";

export class BotApiServer {
  readonly telegram = new FakeTelegram();
  /** Paths requested, tokens included (tests only use a fake token). */
  readonly requests: string[] = [];
  /**
   * An outage: while set, calls (to `methods` only, when given) are answered with this HTTP status
   * and Telegram's error body, like the real Bot API behind a failing proxy.
   */
  failing: { status: number; methods?: string[] } | undefined;
  /** Requests answered by {@link failing}, as paths. */
  readonly failed: string[] = [];
  /**
   * Calls to these methods are read and never answered (a request lost in flight): the bot cannot
   * know whether Telegram got it. Held requests are neither processed nor counted as messages.
   */
  holding: string[] = [];
  /** Requests held so far, as paths. */
  readonly held: string[] = [];
  #server: Server;
  #queue: Update[] = [];
  #waiting = new Set<() => void>();
  #port = 0;

  constructor(
    readonly token: string,
    options: { failing?: { status: number; methods?: string[] } } = {},
  ) {
    this.failing = options.failing;
    this.#server = createServer((req, res) => {
      const method = /\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "";
      const outage = this.failing;
      if (outage && (!outage.methods || outage.methods.includes(method))) {
        this.requests.push(req.url ?? "");
        this.failed.push(req.url ?? "");
        req.resume();
        res.writeHead(outage.status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            ok: false,
            error_code: outage.status,
            description: STATUS_CODES[outage.status] ?? "error",
          }),
        );
        return;
      }
      if (this.holding.includes(method)) {
        this.requests.push(req.url ?? "");
        this.held.push(req.url ?? "");
        req.resume();
        return;
      }
      void this.#handle(req).then(
        (body) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        },
        (err) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: false, error_code: 500, description: String(err) }));
        },
      );
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Queues an update for the bot's next getUpdates. */
  push(update: Update): void {
    this.#queue.push(update);
    for (const wake of this.#waiting) wake();
  }

  /** Count of getUpdates calls so far (the bot is polling once this is > 0). */
  get polls(): number {
    return this.requests.filter((p) => p.endsWith("/getUpdates")).length;
  }

  async close(): Promise<void> {
    for (const wake of this.#waiting) wake();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage): Promise<unknown> {
    const url = req.url ?? "";
    this.requests.push(url);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url);
    if (!match || match[1] !== this.token) return { ok: false, error_code: 401, description: "Unauthorized" };
    const method = match[2] as string;
    const payload = await readJson(req);
    if (method === "getUpdates") return { ok: true, result: await this.#updates(payload) };
    try {
      return { ok: true, result: await this.telegram.callApi(method, payload) };
    } catch (err) {
      const e = err as { response?: unknown; message?: string };
      return e.response ?? { ok: false, error_code: 500, description: e.message };
    }
  }

  async #updates(payload: Record<string, unknown>): Promise<Update[]> {
    const offset = Number(payload.offset ?? 0);
    this.#queue = this.#queue.filter((u) => u.update_id >= offset);
    const timeoutS = Number(payload.timeout ?? 0);
    if (this.#queue.length === 0 && timeoutS > 0) {
      // Long poll: answer as soon as an update arrives, or empty after a short while (the bot asks
      // again at once), so a test never waits on the bot's 50 s poll timeout.
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiting.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(timeoutS * 1000, 1000));
        this.#waiting.add(wake);
      });
    }
    const limit = Number(payload.limit ?? 100);
    return this.#queue.filter((u) => u.update_id >= offset).slice(0, limit);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
