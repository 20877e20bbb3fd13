import * as zmq from "zeromq";
import { type Logger, silentLogger } from "../log.ts";
import { assertPlainAddress } from "./address.ts";
import { AppearanceDialer, type PeerSocket } from "./appearance-dialer.ts";
import { IpcError } from "./errors.ts";
import { subscriptionPrefixes } from "./ids.ts";
import { ensureIpcDir } from "./ipc-dir.ts";
import { receiveFrames } from "./receive-loop.ts";
import { SerialSender } from "./serial-send.ts";
import { assertIpcAddressFree, ipcPath, removeSocketFile, socketFileInode } from "./socket-file.ts";
import { ipcAddress, type PeerSpec, type Transport, type TransportHandlers } from "./transport.ts";
import { noteSocketsMade, peerCapacity, reservePeerSockets } from "./zmq-context.ts";

export interface ZmqTransportOptions {
  id: string;
  ipcDir: string;
  /** Bind here, not at the ipc command address: `tcp://127.0.0.1:7001` (loopback only; docs/protocol.md). */
  bindAddress?: string;
  logger?: Logger;
  /** High-water marks: generous, since losing a command or an alert is worse than memory. */
  highWaterMark?: number;
  /**
   * libzmq's reconnect interval towards a heard peer that is not there, and the cap its backoff
   * doubles up to (ms; default 100 and 500).
   */
  reconnectMs?: { intervalMs?: number; maxIntervalMs?: number };
  /**
   * Watch IPC_DIR/command (inotify, no polling) and dial a heard ipc peer at once when its socket
   * file appears, rather than at libzmq's next reconnect attempt, up to the backoff cap later.
   * `missionctl send` binds `cli` just before it sends: a strategy hearing `cli` joins within
   * milliseconds. Default: off until {@link ZmqTransport.dialPeersOnAppearance} is called (the
   * strategy runtime does); false: never.
   */
  watchPeers?: boolean;
  /**
   * The most peers heard at once (each costs three ZeroMQ sockets; src/ipc/zmq-context.ts). Given,
   * the room is reserved now, before the first socket, or the constructor throws `CAPACITY`; left
   * out, it is what the context holds (330 peers by libzmq's default). A further peer is refused
   * with a warning, never a crash.
   */
  maxPeers?: number;
}

/** How often the "too many peers" warning may repeat while further peers keep being refused. */
const REFUSAL_LOG_MS = 60_000;

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
  #subs = new Map<string, PeerSocket>();
  /** One send in flight at a time (zeromq.js allows one per socket), in order. */
  #sender: SerialSender;
  #log: Logger;
  #closed = false;
  #hwm: number;
  #ipcDir: string;
  #socketInode: number | undefined;
  #reconnect: { reconnectInterval?: number; reconnectMaxInterval: number };
  #watchOption: boolean | undefined;
  #dialer: AppearanceDialer;
  #maxPeers: number;
  #lastRefusalLogAt = Number.NEGATIVE_INFINITY;

  constructor(options: ZmqTransportOptions) {
    this.id = options.id;
    this.#ipcDir = options.ipcDir;
    this.address = assertPlainAddress(options.bindAddress ?? ipcAddress(options.ipcDir, options.id));
    this.#log = (options.logger ?? silentLogger).child({ module: "zmq" });
    this.#hwm = options.highWaterMark ?? 100_000;
    // Reconnect backoff to 500 ms: an absent peer (the usual `cli`) costs a sleeping process
    // little CPU, and a peer that (re)starts is still heard well within the 1 s of docs/protocol.md
    // (at once when the directory watch sees its socket file appear).
    this.#reconnect = {
      reconnectMaxInterval: options.reconnectMs?.maxIntervalMs ?? 500,
      ...(options.reconnectMs?.intervalMs !== undefined
        ? { reconnectInterval: options.reconnectMs.intervalMs }
        : {}),
    };
    this.#watchOption = options.watchPeers;
    this.#dialer = new AppearanceDialer({
      ipcDir: options.ipcDir,
      log: this.#log,
      peers: this.#subs,
      closed: () => this.#closed,
    });
    if (options.watchPeers === true) this.#dialer.enable();
    if (options.maxPeers !== undefined) reservePeerSockets(options.maxPeers);
    this.#maxPeers = options.maxPeers ?? peerCapacity();
    noteSocketsMade();
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
    this.#dialer.watch();
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

  publishText(frame: string): Promise<void> {
    if (this.#closed) return Promise.reject(new IpcError("CLOSED", "transport is closed"));
    return this.#sender.sendText(frame);
  }

  connect(peer: PeerSpec): void {
    if (this.#closed || this.#subs.has(peer.id)) return;
    const address = assertPlainAddress(peer.address ?? ipcAddress(this.#ipcDir, peer.id));
    if (this.#subs.size >= this.#maxPeers) {
      this.#refuse(peer.id, "the most peers this transport hears");
      return;
    }
    let sub: zmq.Subscriber | undefined;
    let events: zmq.Observer;
    try {
      sub = new zmq.Subscriber({ receiveHighWaterMark: this.#hwm, linger: 0, ...this.#reconnect });
      // The monitor must exist before connect(), or a fast connect's event is missed.
      events = sub.events;
    } catch (err) {
      // The context or the open-file limit ran out (other sockets of this process took the room).
      sub?.close();
      this.#refuse(peer.id, (err as Error).message);
      return;
    }
    for (const prefix of subscriptionPrefixes(this.id)) sub.subscribe(prefix);
    const socket: PeerSocket = {
      sub,
      address,
      watched: peer.address === undefined,
      linkUp: false,
      quickRedials: 0,
    };
    void this.#eventLoop(peer.id, socket, events);
    sub.connect(address);
    this.#subs.set(peer.id, socket);
    void receiveFrames(sub, peer.id, () => this.#handlers, this.#log);
    if (socket.watched) this.#dialer.watch();
  }

  /** A peer not heard: a warning at most once a minute, naming the first refused since. */
  #refuse(peerId: string, why: string): void {
    const now = performance.now();
    if (now - this.#lastRefusalLogAt < REFUSAL_LOG_MS) return;
    this.#lastRefusalLogAt = now;
    this.#log.warn(
      { peer: peerId, heard: this.#subs.size, maxPeers: this.#maxPeers, why },
      "not hearing a process: no room for another peer (docs/operations.md#capacity)",
    );
  }

  async #eventLoop(peerId: string, socket: PeerSocket, events: zmq.Observer): Promise<void> {
    try {
      for await (const event of events) {
        if (event.type === "connect") {
          socket.linkUp = true;
          socket.quickRedials = 0;
          this.#handlers.peerLink(peerId, true);
        } else if (event.type === "disconnect") {
          socket.linkUp = false;
          this.#handlers.peerLink(peerId, false);
        } else if (event.type === "connect:retry") this.#dialer.onDialRetry(peerId, socket);
      }
    } catch {
      // The observer ends when the socket closes.
    }
  }

  /**
   * From now on, dials a heard ipc peer as soon as its socket file appears in IPC_DIR/command
   * (see {@link ZmqTransportOptions.watchPeers}); no effect when that option is false.
   *
   * @example
   * transport.dialPeersOnAppearance();
   * transport.connect({ id: "cli" }); // heard within ms of `missionctl send` binding cli.ipc
   */
  dialPeersOnAppearance(): void {
    if (this.#watchOption !== false) this.#dialer.enable();
  }

  disconnect(peerId: string): void {
    const socket = this.#subs.get(peerId);
    if (!socket) return;
    this.#subs.delete(peerId);
    socket.sub.close();
  }

  async close(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sender.drained();
    this.#dialer.close();
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
