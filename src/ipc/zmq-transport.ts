import { existsSync, type FSWatcher, watch } from "node:fs";
import * as zmq from "zeromq";
import { type Logger, silentLogger } from "../log.ts";
import { assertPlainAddress } from "./address.ts";
import { socketProcessId } from "./discovery.ts";
import { IpcError } from "./errors.ts";
import { subscriptionPrefixes } from "./ids.ts";
import { commandDir, ensureIpcDir } from "./ipc-dir.ts";
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

/** Re-dials after a dial made on a socket file's appearance that still failed (see #onDialRetry). */
const REDIAL_DELAY_MS = 5;
const MAX_QUICK_REDIALS = 3;

/** A heard peer's socket and what the transport knows of its link. */
interface PeerSocket {
  sub: zmq.Subscriber;
  address: string;
  /** The peer's socket file when it is a default ipc address under IPC_DIR/command. */
  watched: boolean;
  linkUp: boolean;
  /** Dials left after a failed dial on the file's appearance (bind and listen are two steps). */
  quickRedials: number;
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
  #watchPeers: boolean;
  #watcher: FSWatcher | undefined;
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
    this.#watchPeers = options.watchPeers === true;
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
    this.#watchCommandDir();
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
    if (socket.watched) this.#watchCommandDir();
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
        } else if (event.type === "connect:retry") this.#onDialRetry(peerId, socket);
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
    if (this.#watchOption === false) return;
    this.#watchPeers = true;
    this.#watchCommandDir();
  }

  /**
   * Watches IPC_DIR/command once some heard peer has its socket file there. Without inotify (or
   * before the directory exists) libzmq's reconnect backoff alone finds the peer, as before.
   */
  #watchCommandDir(): void {
    if (!this.#watchPeers || this.#watcher || this.#closed) return;
    if (![...this.#subs.values()].some((s) => s.watched)) return;
    try {
      const watcher = watch(commandDir(this.#ipcDir), { persistent: false }, (_event, name) =>
        this.#onSocketFile(name?.toString()),
      );
      watcher.on("error", (err) => {
        this.#log.warn({ err }, "IPC_DIR/command watch failed; peers are dialled on libzmq's backoff");
        watcher.close();
      });
      this.#watcher = watcher;
    } catch (err) {
      this.#log.debug({ err }, "IPC_DIR/command not watched (yet)");
    }
  }

  /** A name changed in IPC_DIR/command (no name: anything may have): dial the peers it may be. */
  #onSocketFile(name: string | undefined): void {
    if (this.#closed) return;
    const id = name === undefined ? undefined : socketProcessId(name);
    if (name !== undefined && id === undefined) return;
    for (const [peerId, socket] of id === undefined ? this.#subs : [[id, this.#subs.get(id)] as const]) {
      // Up, or dialled for this appearance already (a replaced stale file shows as two events).
      if (!socket?.watched || socket.linkUp || socket.quickRedials > 0) continue;
      const path = ipcPath(socket.address);
      if (!path || !existsSync(path)) continue; // a file removed, not one bound
      socket.quickRedials = MAX_QUICK_REDIALS;
      this.#dial(peerId, socket, "socket file appeared");
    }
  }

  /**
   * A dial failed. Right after a socket file appeared that is a bind caught before its listen:
   * dial again in a few ms rather than wait out libzmq's interval (at most a few times).
   */
  #onDialRetry(peerId: string, socket: PeerSocket): void {
    if (socket.quickRedials <= 0 || socket.linkUp) return;
    socket.quickRedials--;
    setTimeout(() => {
      if (this.#closed || socket.linkUp || this.#subs.get(peerId) !== socket) return;
      this.#dial(peerId, socket, "dial on appearance failed");
    }, REDIAL_DELAY_MS);
  }

  /**
   * Disconnect + connect of the endpoint: libzmq drops the pending reconnect with its backoff and
   * dials now. Only while the link is down, so no connection (and no frame on it) is dropped; the
   * subscriptions stay set on the socket and are sent on the new connection.
   */
  #dial(peerId: string, socket: PeerSocket, why: string): void {
    this.#log.debug({ peer: peerId, why }, "dialling the peer now");
    try {
      socket.sub.disconnect(socket.address);
    } catch {
      // Not connected at all (libzmq forgot the endpoint): connect afresh.
    }
    socket.sub.connect(socket.address);
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
    this.#watcher?.close();
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
