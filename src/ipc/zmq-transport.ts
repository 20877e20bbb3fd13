import * as zmq from "zeromq";
import { type Logger, silentLogger } from "../log.ts";
import { assertPlainAddress } from "./address.ts";
import { IpcError } from "./errors.ts";
import { subscriptionPrefixes } from "./ids.ts";
import { ensureIpcDir } from "./ipc-dir.ts";
import { receiveFrames } from "./receive-loop.ts";
import { SerialSender } from "./serial-send.ts";
import { assertIpcAddressFree, ipcPath, removeSocketFile, socketFileInode } from "./socket-file.ts";
import { ipcAddress, type PeerSpec, type Transport, type TransportHandlers } from "./transport.ts";

export interface ZmqTransportOptions {
  id: string;
  ipcDir: string;
  /** Bind here, not at the ipc command address: `tcp://127.0.0.1:7001` (loopback only; docs/protocol.md). */
  bindAddress?: string;
  logger?: Logger;
  /** High-water marks: generous, since losing a command or an alert is worse than memory. */
  highWaterMark?: number;
}

const noop: TransportHandlers = { frame() {}, subscription() {}, peerLink() {} };

/**
 * The ZeroMQ transport: an XPUB bound at the command address (so subscriptions reveal presence),
 * one SUB per heard peer, one receive loop per socket.
 *
 * @example
 * const t = new ZmqTransport({ id: "chatops", ipcDir: "/tmp/missionctl" });
 * t.setHandlers({ frame: (f, peer) => ..., subscription: () => {}, peerLink: () => {} });
 * await t.start();
 * t.connect({ id: "mm1" });
 */
export class ZmqTransport implements Transport {
  readonly id: string;
  readonly address: string;
  #handlers: TransportHandlers = noop;
  #pub: zmq.XPublisher;
  #subs = new Map<string, zmq.Subscriber>();
  /** One send in flight at a time (zeromq.js allows one per socket), in order. */
  #sender: SerialSender;
  #log: Logger;
  #closed = false;
  #hwm: number;
  #ipcDir: string;
  #socketInode: number | undefined;

  constructor(options: ZmqTransportOptions) {
    this.id = options.id;
    this.#ipcDir = options.ipcDir;
    this.address = assertPlainAddress(options.bindAddress ?? ipcAddress(options.ipcDir, options.id));
    this.#log = (options.logger ?? silentLogger).child({ module: "zmq" });
    this.#hwm = options.highWaterMark ?? 100_000;
    this.#pub = new zmq.XPublisher({
      verbosity: "allSubsUnsubs",
      sendHighWaterMark: this.#hwm,
      linger: 0,
    });
    this.#sender = new SerialSender(() => this.#pub);
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  async start(): Promise<void> {
    const path = ipcPath(this.address);
    if (path) {
      ensureIpcDir(this.#ipcDir);
      await assertIpcAddressFree(path);
    }
    await this.#pub.bind(this.address);
    if (path) this.#socketInode = socketFileInode(path);
    void this.#subscriptionLoop();
  }

  async #subscriptionLoop(): Promise<void> {
    try {
      for await (const [msg] of this.#pub) {
        if (!msg || msg.length < 1) continue;
        try {
          this.#handlers.subscription(msg.toString("latin1", 1), msg[0] === 1);
        } catch (err) {
          this.#log.error({ err }, "subscription handler threw");
        }
      }
    } catch (err) {
      if (!this.#closed) this.#log.error({ err }, "publisher receive loop failed");
    }
  }

  publish(frame: Buffer): Promise<void> {
    if (this.#closed) return Promise.reject(new IpcError("CLOSED", "transport is closed"));
    return this.#sender.send(frame);
  }

  connect(peer: PeerSpec): void {
    if (this.#closed || this.#subs.has(peer.id)) return;
    const address = assertPlainAddress(peer.address ?? ipcAddress(this.#ipcDir, peer.id));
    // Reconnect backoff to 500 ms: an absent peer (the usual `cli`) costs a sleeping process
    // little CPU, and a peer that (re)starts is still heard well within the 1 s of docs/protocol.md.
    const sub = new zmq.Subscriber({ receiveHighWaterMark: this.#hwm, linger: 0, reconnectMaxInterval: 500 });
    for (const prefix of subscriptionPrefixes(this.id)) sub.subscribe(prefix);
    // The monitor must exist before connect(), or a fast connect's event is missed.
    void this.#eventLoop(peer.id, sub);
    sub.connect(address);
    this.#subs.set(peer.id, sub);
    void receiveFrames(sub, peer.id, () => this.#handlers, this.#log);
  }

  async #eventLoop(peerId: string, sub: zmq.Subscriber): Promise<void> {
    try {
      for await (const event of sub.events) {
        if (event.type === "connect") this.#handlers.peerLink(peerId, true);
        else if (event.type === "disconnect") this.#handlers.peerLink(peerId, false);
      }
    } catch {
      // The observer ends when the socket closes.
    }
  }

  disconnect(peerId: string): void {
    const sub = this.#subs.get(peerId);
    if (!sub) return;
    this.#subs.delete(peerId);
    sub.close();
  }

  async close(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sender.drained();
    for (const id of [...this.#subs.keys()]) this.disconnect(id);
    const linger = options.lingerMs ?? 0;
    if (linger > 0) {
      // Let queued frames (a `stopped`, a last reply) leave before the socket goes.
      this.#pub.linger = linger;
      await new Promise((r) => setTimeout(r, Math.min(linger, 50)));
    }
    this.#pub.close();
    const path = ipcPath(this.address);
    if (path) removeSocketFile(path, this.#socketInode);
  }
}
