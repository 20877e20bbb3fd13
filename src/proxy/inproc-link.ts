/**
 * The proxy's own seat on its bus: a publisher and a subscriber joined to its XSUB and XPUB over
 * `inproc://` endpoints in the same process. Through them the proxy is a process like any other
 * (its heartbeats reach every subscriber, its `{id}.` subscription reaches every publisher), without
 * a key of its own to admit: inproc never leaves the process and has no handshake to authenticate.
 */
import { Subscriber, XPublisher } from "zeromq";
import { subscriptionPrefixes } from "../ipc/ids.ts";
import { receiveFrames } from "../ipc/receive-loop.ts";
import type { Transport, TransportHandlers } from "../ipc/transport.ts";
import { type Logger, silentLogger } from "../log.ts";

export interface InprocLinkOptions {
  id: string;
  /** The inproc endpoint the proxy's XSUB also binds (publishers' side). */
  frontend: string;
  /** The inproc endpoint the proxy's XPUB also binds (subscribers' side). */
  backend: string;
  logger?: Logger;
}

const noop: TransportHandlers = { frame() {}, subscription() {}, peerLink() {} };

/**
 * A {@link Transport} for {@link IpcCommandSystem} inside the proxy: it binds nothing, publishes into
 * the frontend and hears everyone on one SUB at the backend (so frames come with no peer id, as
 * through any proxy). `connect` and `disconnect` have nothing to do.
 *
 * @example
 * const ipc = new IpcCommandSystem({ transport: new InprocLinkTransport({ id: "proxy", frontend, backend }) });
 * await ipc.start();
 * await ipc.broadcast("heartbeat", { state: "running", pid, uptime_s, interval_ms, seq });
 */
export class InprocLinkTransport implements Transport {
  readonly id: string;
  readonly address: string;
  /** Set, as on any transport that hears everyone through a proxy: frames come with no peer. */
  readonly proxy: string;
  readonly #backend: string;
  readonly #pub = new XPublisher({ verbosity: "allSubsUnsubs", sendHighWaterMark: 100_000, linger: 0 });
  readonly #sub = new Subscriber({ receiveHighWaterMark: 100_000, linger: 0 });
  #handlers = noop;
  /** zeromq.js allows one send in flight per socket: sends wait for the one before. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #log: Logger;

  constructor(options: InprocLinkOptions) {
    this.id = options.id;
    this.address = options.frontend;
    this.proxy = options.frontend;
    this.#backend = options.backend;
    this.#log = (options.logger ?? silentLogger).child({ module: "proxy-link" });
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  async start(): Promise<void> {
    this.#pub.connect(this.address);
    for (const prefix of subscriptionPrefixes(this.id)) this.#sub.subscribe(prefix);
    this.#sub.connect(this.#backend);
    void receiveFrames(this.#sub, undefined, () => this.#handlers, this.#log);
    void this.#subscriptions();
    // inproc has no handshake to wait for and cannot drop: the link is up from here on.
    this.#handlers.proxyLink?.(true);
  }

  async #subscriptions(): Promise<void> {
    try {
      for await (const [msg] of this.#pub) {
        if (msg && msg.length > 0) this.#handlers.subscription(msg.toString("latin1", 1), msg[0] === 1);
      }
    } catch (err) {
      if (!this.#pub.closed) this.#log.error({ err }, "publisher receive loop failed");
    }
  }

  publish(frame: Buffer): Promise<void> {
    const sent = this.#chain.then(() => this.#pub.send(frame));
    this.#chain = sent.catch(() => {});
    return sent;
  }

  connect(): void {}

  disconnect(): void {}

  async close(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.#pub.closed) return;
    await this.#chain;
    const linger = options.lingerMs ?? 0;
    // Let the last frames (a `stopped`) pass into the proxy before the socket goes.
    if (linger > 0) {
      this.#pub.linger = linger;
      await new Promise((resolve) => setTimeout(resolve, Math.min(linger, 50)));
    }
    this.#sub.close();
    this.#pub.close();
  }
}
