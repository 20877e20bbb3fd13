import * as zmq from "zeromq";
import type { BackoffOptions } from "../backoff.ts";
import { type Clock, systemClock } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { type Logger, silentLogger } from "../log.ts";
import { IpcError } from "./errors.ts";
import { subscriptionPrefixes } from "./ids.ts";
import { proxyEndpoints } from "./proxy-address.ts";
import {
  type CurveClientKeys,
  clientSocketOptions,
  type HandshakeFailure,
  type LinkTimings,
  ProxySocket,
} from "./proxy-socket.ts";
import { receiveFrames } from "./receive-loop.ts";
import { SerialSender } from "./serial-send.ts";
import type { PeerSpec, Transport, TransportHandlers } from "./transport.ts";

export interface ProxyTransportOptions {
  id: string;
  /** `tcp://HOST:PORT` of the proxy (MISSIONCTL_PROXY): the frontend is PORT, the backend PORT+1. */
  proxy: string;
  curve: CurveClientKeys;
  /** ZMTP heartbeats and connect timeout; defaults are the configuration's (1 s / 3 s / 1 s). */
  timings?: Partial<LinkTimings>;
  /** The name of this process's certificate, for the line that says what to add to the allow dir. */
  certName?: string;
  /** Re-creating a socket the proxy refused: default 1 s, doubling up to 30 s. */
  refusedBackoff?: BackoffOptions;
  logger?: Logger;
  clock?: Clock;
  /** High-water marks: generous, since losing a command or an alert is worse than memory. */
  highWaterMark?: number;
}

const noop: TransportHandlers = { frame() {}, subscription() {}, peerLink() {} };
const DEFAULT_REFUSED_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000 };

/**
 * The transport of proxy mode (docs/protocol.md, Several hosts): binds nothing. Its XPUB connects to
 * the proxy's frontend and its one SUB to the backend, both CURVE clients with ZMTP heartbeats, so
 * every process is heard through the proxy and presence works as over ipc. Frames are handed up
 * with no peer (one SUB carries everyone's), and the link to the proxy is reported through
 * `proxyLink(up)`, not per peer.
 *
 * @example
 * const t = new ProxyTransport({ id: "chatops", proxy: "tcp://10.0.0.5:7000",
 *   curve: { publicKey, secretKey, serverKey } });
 * const ipc = new IpcCommandSystem({ transport: t });
 * ipc.on("proxyLink", (up) => console.log(up ? "proxy up" : "proxy lost"));
 * await ipc.start();
 */
export class ProxyTransport implements Transport {
  readonly id: string;
  /** Where this process publishes: the proxy's frontend. */
  readonly address: string;
  readonly proxy: string;
  #backend: string;
  #handlers: TransportHandlers = noop;
  #pub?: ProxySocket<zmq.XPublisher>;
  #sub?: ProxySocket<zmq.Subscriber>;
  #sender = new SerialSender(() => this.#publisher());
  /** Topics the proxy holds on our publisher now: a set, see #onSubscription. */
  #topics = new Set<string>();
  #heard = new Set<string>();
  #linkUp = false;
  /** The handshake failure being reported, and how many since the last admission. */
  #failing?: { kind: HandshakeFailure; count: number };
  #state: "new" | "started" | "closed" = "new";
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #o: ProxyTransportOptions;
  readonly #timings: LinkTimings;

  constructor(options: ProxyTransportOptions) {
    this.id = options.id;
    this.proxy = options.proxy;
    const { frontend, backend } = proxyEndpoints(options.proxy);
    this.address = frontend;
    this.#backend = backend;
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ module: "proxy-link", proxy: options.proxy });
    this.#clock = options.clock ?? systemClock;
    this.#timings = {
      heartbeatMs: options.timings?.heartbeatMs ?? DEFAULTS.MISSIONCTL_LINK_HEARTBEAT_MS,
      timeoutMs: options.timings?.timeoutMs ?? DEFAULTS.MISSIONCTL_LINK_TIMEOUT_MS,
      connectTimeoutMs: options.timings?.connectTimeoutMs ?? DEFAULTS.MISSIONCTL_CONNECT_TIMEOUT_MS,
    };
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  /** True while both sockets are admitted by the proxy. */
  get linkUp(): boolean {
    return this.#linkUp;
  }

  /** Connects both sockets; resolves at once (the proxy may come later: ZeroMQ reconnects). */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new IpcError("CLOSED", `transport ${this.id} was already started`);
    this.#state = "started";
    const base = clientSocketOptions(this.#o.curve, this.#timings);
    const hwm = this.#o.highWaterMark ?? 100_000;
    const backoff = this.#o.refusedBackoff ?? DEFAULT_REFUSED_BACKOFF;
    this.#pub = new ProxySocket({
      address: this.address,
      // immediate: no pipe before the handshake and none kept across a loss, so losing the proxy
      // ends the pipe and the XPUB hands us every unsubscription it held (presence empties).
      create: () =>
        new zmq.XPublisher({ ...base, verbosity: "allSubsUnsubs", immediate: true, sendHighWaterMark: hwm }),
      events: {
        created: (socket) => void this.#subscriptionLoop(socket),
        retired: () => this.#forgetSubscriptions(),
        link: () => this.#updateLink(),
        failed: (kind, detail, retryInMs) => this.#failed("publisher", kind, detail, retryInMs),
      },
      clock: this.#clock,
      backoff,
    });
    this.#sub = new ProxySocket({
      address: this.#backend,
      create: () => {
        const sub = new zmq.Subscriber({ ...base, receiveHighWaterMark: hwm });
        for (const prefix of subscriptionPrefixes(this.id)) sub.subscribe(prefix);
        return sub;
      },
      events: {
        // No peer: one SUB carries every process's frames, so none can be bound to a sender.
        created: (socket) => void receiveFrames(socket, undefined, () => this.#handlers, this.#log),
        retired: () => {},
        link: () => this.#updateLink(),
        failed: (kind, detail, retryInMs) => this.#failed("subscriber", kind, detail, retryInMs),
      },
      clock: this.#clock,
      backoff,
    });
    this.#log.debug({ frontend: this.address, backend: this.#backend }, "connecting to the proxy");
  }

  publish(frame: Buffer): Promise<void> {
    if (this.#state !== "started") return Promise.reject(new IpcError("CLOSED", "transport is closed"));
    return this.#sender.send(frame);
  }

  publishText(frame: string): Promise<void> {
    if (this.#state !== "started") return Promise.reject(new IpcError("CLOSED", "transport is closed"));
    return this.#sender.sendText(frame);
  }

  /** Bookkeeping only: through the proxy every process is heard already, by the one SUB. */
  connect(peer: PeerSpec): void {
    if (this.#heard.has(peer.id)) return;
    this.#heard.add(peer.id);
    if (peer.address !== undefined) {
      this.#log.warn({ peer: peer.id, address: peer.address }, "peer address ignored in proxy mode");
    }
  }

  disconnect(peerId: string): void {
    this.#heard.delete(peerId);
  }

  async close(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.#state === "closed") return;
    const started = this.#state === "started";
    this.#state = "closed";
    if (!started) return;
    await this.#sender.drained();
    this.#sub?.close();
    const linger = options.lingerMs ?? 0;
    // Let queued frames (a `stopped`, a last reply) leave before the socket goes.
    if (linger > 0) await new Promise<void>((r) => this.#clock.setTimeout(r, Math.min(linger, 50)));
    this.#pub?.close(linger);
  }

  #publisher(): zmq.XPublisher {
    if (!this.#pub) throw new IpcError("NOT_STARTED", "transport not started");
    return this.#pub.socket;
  }

  async #subscriptionLoop(socket: zmq.XPublisher): Promise<void> {
    try {
      for await (const [msg] of socket) {
        if (!msg || msg.length < 1) continue;
        if (socket !== this.#pub?.socket) return;
        this.#onSubscription(msg.toString("latin1", 1), msg[0] === 1);
      }
    } catch (err) {
      if (!socket.closed) this.#log.error({ err }, "publisher receive loop failed");
    }
  }

  /**
   * One subscription message from the proxy. The proxy's XSUB sends a topic once however many
   * subscribers hold it, and its unsubscription only when the last holder leaves, so here a message
   * says whether a topic is held at all: kept as a set, each topic reaches presence as one
   * subscribe and one unsubscribe (a restarted process overlapping its predecessor stays present).
   */
  #onSubscription(topic: string, subscribed: boolean): void {
    // Our own SUB's `{id}.` comes back through the proxy: a process is not its own peer.
    if (topic === `${this.id}.`) return;
    if (subscribed === this.#topics.has(topic)) return;
    if (subscribed) this.#topics.add(topic);
    else this.#topics.delete(topic);
    try {
      this.#handlers.subscription(topic, subscribed);
    } catch (err) {
      this.#log.error({ err }, "subscription handler threw");
    }
  }

  /** The publisher is re-created: what its old pipe held is gone (the new one is told afresh). */
  #forgetSubscriptions(): void {
    if (this.#state === "closed") return;
    for (const topic of [...this.#topics]) this.#onSubscription(topic, false);
  }

  #updateLink(): void {
    const up = (this.#pub?.up ?? false) && (this.#sub?.up ?? false);
    if (up === this.#linkUp || this.#state === "closed") return;
    this.#linkUp = up;
    if (up && this.#failing) {
      this.#log.info({ failures: this.#failing.count }, "the proxy admitted us");
      this.#failing = undefined;
    }
    this.#log.info(up ? "link to the proxy up" : "link to the proxy lost");
    try {
      this.#handlers.proxyLink?.(up);
    } catch (err) {
      this.#log.error({ err }, "proxyLink handler threw");
    }
  }

  /** Logged once per burst of failures (both sockets fail together, and again every retry). */
  #failed(socket: string, kind: HandshakeFailure, detail: string, retryInMs: number | undefined): void {
    if (this.#failing?.kind === kind) {
      this.#failing.count++;
      this.#log.debug({ socket, kind, detail, retryInMs }, "proxy handshake failed again");
      return;
    }
    this.#failing = { kind, count: 1 };
    const retry = retryInMs === undefined ? "" : `; trying again in ${retryInMs} ms, then on a backoff`;
    this.#log.error({ socket, detail, publicKey: this.#o.curve.publicKey }, `${this.#explain(kind)}${retry}`);
  }

  #explain(kind: HandshakeFailure): string {
    const key = this.#o.curve.publicKey;
    const file = this.#o.certName ? `${this.#o.certName}.key` : "our public certificate (*.key)";
    switch (kind) {
      case "auth":
        return `the proxy ${this.proxy} refused our key ${key}: add ${file} to its allow dir`;
      case "protocol":
        return `the proxy ${this.proxy} broke off the handshake: is it a CURVE proxy (missionctl proxy)?`;
      case "other":
        return `the handshake with the proxy ${this.proxy} failed: is MISSIONCTL_PROXY_CERT its public certificate?`;
    }
  }
}
