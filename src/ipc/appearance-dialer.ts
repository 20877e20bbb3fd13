/**
 * Dialling a heard ipc peer the moment its socket file appears in IPC_DIR/command (inotify, no
 * polling), rather than at libzmq's next reconnect attempt, up to its backoff cap later:
 * `missionctl send` binds `cli` just before it sends, and a strategy hearing `cli` joins within
 * milliseconds. Used by {@link ZmqTransport}; without inotify libzmq's backoff alone finds the peer.
 */
import { existsSync, type FSWatcher, watch } from "node:fs";
import type * as zmq from "zeromq";
import type { Logger } from "../log.ts";
import { socketProcessId } from "./discovery.ts";
import { commandDir } from "./ipc-dir.ts";
import { ipcPath } from "./socket-file.ts";

/** Re-dials after a dial made on a socket file's appearance that still failed (see onDialRetry). */
const REDIAL_DELAY_MS = 5;
const MAX_QUICK_REDIALS = 3;

/** A heard peer's socket and what the transport knows of its link. */
export interface PeerSocket {
  sub: zmq.Subscriber;
  address: string;
  /** The peer's socket file when it is a default ipc address under IPC_DIR/command. */
  watched: boolean;
  linkUp: boolean;
  /** Dials left after a failed dial on the file's appearance (bind and listen are two steps). */
  quickRedials: number;
}

export interface AppearanceDialerOptions {
  ipcDir: string;
  log: Logger;
  /** The transport's heard peers, by id (read, never changed here). */
  peers: ReadonlyMap<string, PeerSocket>;
  /** Whether the transport is closed: nothing is dialled then. */
  closed: () => boolean;
}

/**
 * Watches IPC_DIR/command once enabled and some heard peer has its socket file there.
 *
 * @example
 * const dialer = new AppearanceDialer({ ipcDir, log, peers: subs, closed: () => closed });
 * dialer.enable(); // the strategy runtime does; then `watch()` after each connect
 * dialer.onDialRetry("cli", socket); // from the socket's `connect:retry` event
 */
export class AppearanceDialer {
  readonly #o: AppearanceDialerOptions;
  #enabled = false;
  #watcher: FSWatcher | undefined;

  constructor(options: AppearanceDialerOptions) {
    this.#o = options;
  }

  /** From now on, dials heard peers as their socket files appear. */
  enable(): void {
    this.#enabled = true;
    this.watch();
  }

  /** Starts the directory watch if enabled and a heard peer lives there (after each connect). */
  watch(): void {
    if (!this.#enabled || this.#watcher || this.#o.closed()) return;
    if (![...this.#o.peers.values()].some((s) => s.watched)) return;
    try {
      const watcher = watch(commandDir(this.#o.ipcDir), { persistent: false }, (_event, name) =>
        this.#onSocketFile(name?.toString()),
      );
      watcher.on("error", (err) => {
        this.#o.log.warn({ err }, "IPC_DIR/command watch failed; peers are dialled on libzmq's backoff");
        watcher.close();
      });
      this.#watcher = watcher;
    } catch (err) {
      this.#o.log.debug({ err }, "IPC_DIR/command not watched (yet)");
    }
  }

  /**
   * A dial failed. Right after a socket file appeared that is a bind caught before its listen:
   * dial again in a few ms rather than wait out libzmq's interval (at most a few times).
   */
  onDialRetry(peerId: string, socket: PeerSocket): void {
    if (socket.quickRedials <= 0 || socket.linkUp) return;
    socket.quickRedials--;
    setTimeout(() => {
      if (this.#o.closed() || socket.linkUp || this.#o.peers.get(peerId) !== socket) return;
      this.#dial(peerId, socket, "dial on appearance failed");
    }, REDIAL_DELAY_MS);
  }

  close(): void {
    this.#watcher?.close();
  }

  /** A name changed in IPC_DIR/command (no name: anything may have): dial the peers it may be. */
  #onSocketFile(name: string | undefined): void {
    if (this.#o.closed()) return;
    const id = name === undefined ? undefined : socketProcessId(name);
    if (name !== undefined && id === undefined) return;
    const { peers } = this.#o;
    for (const [peerId, socket] of id === undefined ? peers : [[id, peers.get(id)] as const]) {
      // Up, or dialled for this appearance already (a replaced stale file shows as two events).
      if (!socket?.watched || socket.linkUp || socket.quickRedials > 0) continue;
      const path = ipcPath(socket.address);
      if (!path || !existsSync(path)) continue; // a file removed, not one bound
      socket.quickRedials = MAX_QUICK_REDIALS;
      this.#dial(peerId, socket, "socket file appeared");
    }
  }

  /**
   * Disconnect + connect of the endpoint: libzmq drops the pending reconnect with its backoff and
   * dials now. Only while the link is down, so no connection (and no frame on it) is dropped; the
   * subscriptions stay set on the socket and are sent on the new connection.
   */
  #dial(peerId: string, socket: PeerSocket, why: string): void {
    this.#o.log.debug({ peer: peerId, why }, "dialling the peer now");
    try {
      socket.sub.disconnect(socket.address);
    } catch {
      // Not connected at all (libzmq forgot the endpoint): connect afresh.
    }
    socket.sub.connect(socket.address);
  }
}
