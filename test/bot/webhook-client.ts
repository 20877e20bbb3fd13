/**
 * What Telegram (or a stranger) does to the webhook server, over real HTTP on 127.0.0.1: one request
 * per connection, so a test never depends on keep-alive.
 */
import { request } from "node:http";
import { createServer } from "node:net";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PostOptions {
  method?: string;
  /** The X-Telegram-Bot-Api-Secret-Token header; omitted when undefined. */
  secret?: string;
  body?: string | object;
  headers?: Record<string, string>;
}

/**
 * One request to `http://127.0.0.1:port{path}`.
 *
 * @example
 * const { status } = await post(port, "/tg/hook", { secret, body: update });
 */
export function post(port: number, path: string, options: PostOptions = {}): Promise<Answer> {
  const body =
    options.body === undefined
      ? ""
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          ...(options.secret !== undefined ? { "x-telegram-bot-api-secret-token": options.secret } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Declares `declared` bytes in Content-Length and sends only the headers: the answer must come
 * without the body (a server that waited for it would never answer).
 */
export function postHeadersOnly(
  port: number,
  path: string,
  secret: string,
  declared: number,
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method: "POST",
      agent: false,
      headers: { "content-length": String(declared), "x-telegram-bot-api-secret-token": secret },
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
      req.destroy();
    });
    req.on("error", (err) => reject(err));
    req.flushHeaders();
  });
}

/**
 * Streams a chunked body of up to `total` bytes, honouring backpressure, until the server answers.
 * Resolves with the status and how many bytes had been written by then.
 */
export function postStreaming(
  port: number,
  path: string,
  secret: string,
  total: number,
): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method: "POST",
      agent: false,
      headers: { "transfer-encoding": "chunked", "x-telegram-bot-api-secret-token": secret },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, written });
      req.destroy();
    });
    // Once the server answered it may cut the connection while we still write: not a failure.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/**
 * A port nothing listens on right now (for a child process to listen on).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
