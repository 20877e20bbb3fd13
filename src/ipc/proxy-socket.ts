import type * as zmq from "zeromq";
import { type BackoffOptions, backoffDelay } from "../backoff.ts";
import type { Clock, TimerHandle } from "../clock.ts";

/** ZMTP liveness of a client socket towards the proxy (README.md, Configuration). */
export interface LinkTimings {
  /** ZMTP heartbeat interval, ms (MISSIONCTL_LINK_HEARTBEAT_MS). */
  heartbeatMs: number;
  /** A connection silent this long is dead, ms (MISSIONCTL_LINK_TIMEOUT_MS). */
  timeoutMs: number;
  /** A TCP connect not done within this is abandoned and retried, ms (MISSIONCTL_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
}

/** This process's CURVE key pair and the proxy's public key, Z85 (40 characters each). */
export interface CurveClientKeys {
  publicKey: string;
  secretKey: string;
  /** The proxy's public key (MISSIONCTL_PROXY_CERT). */
  serverKey: string;
}

/**
 * The constructor options of every client socket towards the proxy. They must go to the socket's
 * constructor: CURVE keys set on a socket after connect() are not applied to that connection, and
 * it would then speak plaintext to a proxy that refuses it.
 *
 * @example
 * new zmq.Subscriber(clientSocketOptions(keys, { heartbeatMs: 1000, timeoutMs: 3000, connectTimeoutMs: 1000 }));
 */
export function clientSocketOptions(keys: CurveClientKeys, timings: LinkTimings) {
  return {
    curveServerKey: keys.serverKey,
    curvePublicKey: keys.publicKey,
    curveSecretKey: keys.secretKey,
    // A link cut without FIN (power loss, cable, firewall) is only ever seen through heartbeats.
    heartbeatInterval: timings.heartbeatMs,
    heartbeatTimeout: timings.timeoutMs,
    connectTimeout: timings.connectTimeoutMs,
    // Back within a second once the proxy returns, without hammering it every 100 ms meanwhile.
    reconnectMaxInterval: 1000,
    linger: 0,
  };
}

/** How a handshake with the proxy failed (zeromq.js `handshake:error:*` events). */
export type HandshakeFailure = "auth" | "protocol" | "other";

/** What a {@link ProxySocket} reports to its owner. */
export interface ProxySocketEvents<S> {
  /** A socket now exists (the first, or a re-created one), connected: start reading it. */
  created(socket: S): void;
  /** `socket` is about to close (re-created, or the owner closes): forget what it held. */
  retired(socket: S): void;
  /** The handshake with the proxy succeeded (true) or an admitted connection was lost (false). */
  link(up: boolean): void;
  /** A handshake failed; `retryInMs` is set when the socket will be re-created after that wait. */
  failed(kind: HandshakeFailure, detail: string, retryInMs: number | undefined): void;
}

export interface ProxySocketOptions<S> {
  address: string;
  /** Makes a new socket with every option set (see {@link clientSocketOptions}), not connected. */
  create: () => S;
  events: ProxySocketEvents<S>;
  clock: Clock;
  /** Wait before re-creating a refused socket: grows per refusal, resets on an admission. */
  backoff: BackoffOptions;
}

/**
 * One client socket towards the proxy, kept alive: connected at once, watched for its handshake,
 * and closed and re-created (on a backoff) when the proxy refuses it, because libzmq never retries a
 * connection that failed authentication or the protocol: a key added to the proxy's allow list
 * later would otherwise need a restart of this process.
 *
 * @example
 * const link = new ProxySocket({ address: "tcp://proxy:7001", create: () => new zmq.Subscriber(opts),
 *   events, clock: systemClock, backoff: { baseMs: 1000, maxMs: 30_000 } });
 * link.up; // true once the proxy admitted us
 * link.close();
 */
export class ProxySocket<S extends zmq.Socket> {
  #socket: S;
  #up = false;
  #refusals = 0;
  #retry?: TimerHandle;
  #closed = false;

  constructor(private readonly options: ProxySocketOptions<S>) {
    this.#socket = this.#open();
  }

  /** The current socket; a different object after a re-creation. */
  get socket(): S {
    return this.#socket;
  }

  /** True while the proxy has admitted this socket's connection. */
  get up(): boolean {
    return this.#up;
  }

  /** Closes the socket for good (after `lingerMs` for queued frames, set on the socket first). */
  close(lingerMs = 0): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry) this.options.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.options.events.retired(this.#socket);
    if (lingerMs > 0) this.#socket.linger = lingerMs;
    this.#socket.close();
  }

  #open(): S {
    const socket = this.options.create();
    // The observer must exist before connect(), or a fast handshake's event is missed.
    void this.#watch(socket);
    socket.connect(this.options.address);
    this.options.events.created(socket);
    return socket;
  }

  async #watch(socket: S): Promise<void> {
    try {
      for await (const event of socket.events) {
        // Events of a socket already replaced or closed say nothing about the link any more.
        if (this.#closed || socket !== this.#socket) return;
        this.#onEvent(event);
      }
    } catch {
      // The observer ends when the socket closes.
    }
  }

  #onEvent(event: zmq.Event): void {
    switch (event.type) {
      case "handshake":
        this.#refusals = 0;
        this.#setUp(true);
        break;
      case "disconnect":
        this.#setUp(false);
        break;
      case "handshake:error:auth":
      case "handshake:error:protocol": {
        // libzmq gives up on this connection for good: only a new socket tries again.
        const wait = backoffDelay(++this.#refusals, this.options.backoff);
        this.options.events.failed(failureKind(event.type), event.error.message, wait);
        this.#scheduleRecreate(wait);
        break;
      }
      case "handshake:error:other":
        // A wrong server key ends here ("Broken pipe"); libzmq reconnects by itself.
        this.options.events.failed("other", event.error.message, undefined);
        break;
    }
  }

  #setUp(up: boolean): void {
    if (this.#up === up) return;
    this.#up = up;
    this.options.events.link(up);
  }

  #scheduleRecreate(waitMs: number): void {
    if (this.#retry) return;
    this.#retry = this.options.clock.setTimeout(() => {
      this.#retry = undefined;
      if (this.#closed) return;
      const old = this.#socket;
      this.#setUp(false);
      this.options.events.retired(old);
      this.#socket = this.#open();
      old.close();
    }, waitMs);
  }
}

const failureKind = (type: "handshake:error:auth" | "handshake:error:protocol"): HandshakeFailure =>
  type === "handshake:error:auth" ? "auth" : "protocol";
