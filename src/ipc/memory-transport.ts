import { IpcError } from "./errors.ts";
import { subscriptionPrefixes } from "./ids.ts";
import type { PeerSpec, Transport, TransportHandlers } from "./transport.ts";

const noop: TransportHandlers = { frame() {}, subscription() {}, peerLink() {} };

/**
 * The in-memory network the memory transports of one test share: publishers by id, and who
 * listens to whom. Delivery is on the microtask queue, so `await` of one tick is enough to see it.
 *
 * @example
 * const hub = new MemoryHub();
 * const bot = new MemoryTransport(hub, "chatops");
 * const mm1 = new MemoryTransport(hub, "mm1");
 */
export class MemoryHub {
  /** Started transports by id. */
  readonly publishers = new Map<string, MemoryTransport>();
  /** For every publisher id, the transports that asked to hear it (connected or waiting). */
  readonly listeners = new Map<string, Set<MemoryTransport>>();

  listenersOf(id: string): Set<MemoryTransport> {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    return set;
  }
}

/** The in-memory twin of {@link ZmqTransport}: prefix filtering, XPUB-like presence, link events. */
export class MemoryTransport implements Transport {
  readonly address: string;
  #handlers: TransportHandlers = noop;
  #started = false;
  #closed = false;
  readonly prefixes: string[];
  /** Ids of publishers this transport asked to hear. */
  readonly #heard = new Set<string>();

  constructor(
    readonly hub: MemoryHub,
    readonly id: string,
  ) {
    this.address = `memory://${id}`;
    this.prefixes = subscriptionPrefixes(id);
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  async start(): Promise<void> {
    if (this.#closed) throw new IpcError("CLOSED", "transport is closed");
    this.#started = true;
    this.hub.publishers.set(this.id, this);
    for (const listener of this.hub.listenersOf(this.id)) this.#link(listener, true);
  }

  /** Announces a listener's subscriptions to this publisher and tells the listener its link is up/down. */
  #link(listener: MemoryTransport, up: boolean): void {
    queueMicrotask(() => {
      for (const prefix of listener.prefixes) this.#handlers.subscription(prefix, up);
      listener.#handlers.peerLink(this.id, up);
    });
  }

  async publish(frame: Buffer): Promise<void> {
    if (this.#closed) throw new IpcError("CLOSED", "transport is closed");
    if (!this.#started) throw new IpcError("NOT_STARTED", "transport is not started");
    const topic = frame.toString("latin1", 0, Math.min(frame.length, 64));
    for (const listener of this.hub.listenersOf(this.id)) {
      if (listener.#closed) continue;
      if (!listener.prefixes.some((p) => topic.startsWith(p))) continue;
      const copy = Buffer.from(frame);
      queueMicrotask(() => {
        if (!listener.#closed && listener.#heard.has(this.id)) listener.#handlers.frame(copy, this.id);
      });
    }
  }

  connect(peer: PeerSpec): void {
    if (this.#closed || this.#heard.has(peer.id)) return;
    this.#heard.add(peer.id);
    this.hub.listenersOf(peer.id).add(this);
    const publisher = this.hub.publishers.get(peer.id);
    if (publisher && !publisher.#closed) publisher.#link(this, true);
  }

  disconnect(peerId: string): void {
    if (!this.#heard.delete(peerId)) return;
    this.hub.listenersOf(peerId).delete(this);
    const publisher = this.hub.publishers.get(peerId);
    if (publisher && !publisher.#closed) publisher.#link(this, false);
  }

  /** Closing is what a process death looks like: every publisher it heard sees it unsubscribe. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const peer of [...this.#heard]) this.disconnect(peer);
    this.#closed = true;
    if (this.hub.publishers.get(this.id) === this) this.hub.publishers.delete(this.id);
    for (const listener of this.hub.listenersOf(this.id)) {
      queueMicrotask(() => listener.#handlers.peerLink(this.id, false));
    }
  }
}
