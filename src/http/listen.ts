/**
 * One small `node:http` listener for missionctl's own servers (the metrics server, webhook mode):
 * listens, turns an unusable address into a {@link ListenError} that names it in one line, bounds
 * slow clients, and closes without waiting on keep-alive connections. What the server answers is
 * the caller's handler; what the failure is called (MetricsError, WebhookError) is the caller's too.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MissionctlError } from "../errors.ts";

export interface ListenHttpOptions {
  /** Where to listen; port 0 (tests) takes any free port. */
  host: string;
  port: number;
  /** Answers every request. */
  handler: RequestListener;
  /**
   * How long a client may take to send its headers, and its whole request (defaults 10 000 and
   * 30 000 ms): a slow or stalled client must not hold a connection, or a stop, for node's 5 minutes.
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** The server does not keep the process alive by itself (`server.unref()`; default false). */
  unref?: boolean;
  /** Hears the errors the server emits once listening (without it, such an error is thrown). */
  onError?: (err: Error) => void;
}

/** A listening server. */
export interface HttpListener {
  /** Where it listens: the host asked for, and the real port (when port 0 was asked for). */
  readonly address: { host: string; port: number };
  /** `http://host:port` (an IPv6 host in brackets), for logs and tests. */
  readonly url: string;
  /**
   * Stops taking connections and ends idle (keep-alive) ones at once; requests still running get
   * `graceMs` (default 0: none), then their connections are cut. Resolves once the server is closed;
   * later calls return the first call's promise.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The address could not be listened on: in use, not an address of this host, not allowed, or not
 * resolving. The message is one line, the address then why (`127.0.0.1:9464 is already in use`), so a
 * caller can prefix its setting's name; `errno` is node's code (`EADDRINUSE`, ...), `cause` its error.
 *
 * @example
 * try { await listenHttp({ host, port, handler }); } catch (e) {
 *   if (e instanceof ListenError) throw new MetricsError("LISTEN", `MISSIONCTL_METRICS: ${e.message}`);
 * }
 */
export class ListenError extends MissionctlError<"LISTEN"> {
  override name = "ListenError";
  declare readonly cause: NodeJS.ErrnoException;
  readonly errno: string | undefined;
  constructor(
    readonly host: string,
    readonly port: number,
    cause: NodeJS.ErrnoException,
  ) {
    super("LISTEN", `${hostPort(host, port)} ${why(cause)}`, { host, port, errno: cause.code }, { cause });
    this.errno = cause.code;
  }

  /** True when another socket holds the address (EADDRINUSE), the usual case. */
  get inUse(): boolean {
    return this.errno === "EADDRINUSE";
  }
}

/**
 * Starts an HTTP server; resolves once it listens, or rejects with a {@link ListenError}.
 *
 * @example
 * const server = await listenHttp({
 *   host: "127.0.0.1",
 *   port: 0,
 *   handler: (req, res) => res.end("ok\n"),
 * });
 * console.log(`listening at ${server.url}`);
 * await server.close();
 */
export async function listenHttp(options: ListenHttpOptions): Promise<HttpListener> {
  const { host, port } = options;
  const server = createServer(options.handler);
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  await listen(server, host, port);
  if (options.onError) server.on("error", options.onError);
  if (options.unref) server.unref();
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    address: { host, port: bound },
    url: `http://${hostPort(host, bound)}`,
    close: (graceMs = 0) => {
      closing ??= closeServer(server, graceMs);
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(new ListenError(host, port, err));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port });
  });
}

async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (graceMs <= 0) {
    server.closeAllConnections();
    return closed;
  }
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

/** `host:port`, an IPv6 host in brackets. */
function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function why(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "EADDRINUSE":
      return "is already in use";
    case "EADDRNOTAVAIL":
      return "is not an address of this host";
    case "EACCES":
      return "may not be used by this user";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "does not resolve";
    default:
      return `cannot be listened on (${err.code ?? err.message})`;
  }
}
