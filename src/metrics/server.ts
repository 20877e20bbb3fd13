/**
 * The metrics server: node:http, two read-only paths. `/metrics` is the Prometheus text of one
 * prom-client registry; `/healthz` is 200 `ok` while every part of {@link BotHealth} is up, 503
 * naming the parts that are down otherwise. Anything else is 404, a method other than GET or HEAD
 * 405, and no request body is ever read.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Registry } from "prom-client";
import { ListenError, listenHttp } from "../http/listen.ts";
import { type Logger, silentLogger } from "../log.ts";
import { MetricsError } from "./errors.ts";
import { BotHealth } from "./health.ts";

export interface MetricsServerOptions {
  /** Where to listen: MISSIONCTL_METRICS, or port 0 (tests) for any free port. */
  host: string;
  port: number;
  /** What `/metrics` serves (default: a new, empty registry; fill it with attachBotMetrics). */
  registry?: Registry;
  /** What `/healthz` reads (default: a new record, every part down until someone sets it). */
  health?: BotHealth;
  logger?: Logger;
}

/** A listening metrics server. */
export interface MetricsServer {
  /** Where it listens (the real port when port 0 was asked for). */
  readonly address: { host: string; port: number };
  /** `http://host:port`, for logs and tests. */
  readonly url: string;
  readonly registry: Registry;
  readonly health: BotHealth;
  /** Stops listening and cuts every connection at once (a scrape is retried by Prometheus). */
  close(): Promise<void>;
}

/** A slow or idle client must not hold a connection (or a stop) for long. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Starts the metrics server; resolves once it listens, after logging its address. A busy or unusable
 * address rejects with a {@link MetricsError} `LISTEN` whose message is one line naming the address.
 * The server never keeps the process alive by itself (it is unref'd), and `close()` ends it.
 *
 * @example
 * const server = await startMetricsServer({ host: "127.0.0.1", port: 9464 });
 * attachBotMetrics(server.registry, { runtime, ipc, health: server.health });
 * // curl http://127.0.0.1:9464/metrics
 * await server.close();
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const log = (options.logger ?? silentLogger).child({ module: "metrics" });
  const health = options.health ?? new BotHealth();
  const registry = options.registry ?? new Registry();
  const listener = await listenHttp({
    host: options.host,
    port: options.port,
    handler: (req, res) => {
      void answer(req, res, registry, health).catch((err) => {
        log.error({ err, path: req.url }, "metrics request failed");
        if (!res.headersSent) send(res, req, 500, "text/plain; charset=utf-8", "metrics collection failed\n");
        else res.destroy();
      });
    },
    headersTimeoutMs: REQUEST_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    unref: true,
    // An error once listening (an accept failing on EMFILE, say) is logged: a scrape is not worth the bot.
    onError: (err) => log.error({ err }, "metrics server error"),
  }).catch((err: unknown) => {
    throw err instanceof ListenError
      ? new MetricsError("LISTEN", `MISSIONCTL_METRICS: ${err.message}`, err.context)
      : err;
  });
  const { address, url } = listener;
  log.info(
    { address: `${address.host}:${address.port}` },
    `metrics at ${url}/metrics, health at ${url}/healthz`,
  );
  return {
    address,
    url,
    registry,
    health,
    // A scrape cut short is retried by Prometheus: no grace.
    close: () => listener.close(0),
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  health: BotHealth,
): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (path !== "/metrics" && path !== "/healthz")
    return send(res, req, 404, "text/plain; charset=utf-8", "not found: /metrics and /healthz only\n");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, req, 405, "text/plain; charset=utf-8", "method not allowed: GET or HEAD\n");
  }
  if (path === "/healthz") {
    const down = health.down();
    return down.length === 0
      ? send(res, req, 200, "text/plain; charset=utf-8", "ok\n")
      : send(res, req, 503, "text/plain; charset=utf-8", `down: ${down.join(", ")}\n`);
  }
  send(res, req, 200, registry.contentType, await registry.metrics());
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
