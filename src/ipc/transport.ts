import { join } from "node:path";
import { commandDir } from "./ipc-dir.ts";

/** A peer to hear: its id, and its publisher's address when it is not the ipc default. */
export interface PeerSpec {
  id: string;
  /** `tcp://host:port` or `ipc://path`; default is the ipc command address under IPC_DIR. */
  address?: string;
}

/** What a transport reports upward. One object, not an emitter: the hot path is a direct call. */
export interface TransportHandlers {
  /**
   * One frame published by `peerId`, already filtered by this process's subscriptions. `peerId` is
   * undefined only where the transport cannot tell whose socket a frame came from (a proxy).
   */
  frame(frame: Buffer, peerId: string | undefined): void;
  /** An XPUB subscription message: a subscriber (un)subscribed `topic` on this process's publisher. */
  subscription(topic: string, subscribed: boolean): void;
  /** The socket towards peer `peerId` connected or lost its connection. */
  peerLink(peerId: string, up: boolean): void;
  /**
   * Only from a transport with `proxy` set: both of its sockets are admitted by the proxy (true),
   * or one of them lost its connection (false). Every peer is heard through that link, so it
   * stands for every per-peer link at once.
   */
  proxyLink?(up: boolean): void;
}

/**
 * The byte-moving layer under the command system: one publisher bound at this process's command
 * address, one subscription per heard peer. Implemented over ZeroMQ and in memory.
 */
export interface Transport {
  readonly id: string;
  /** Where this process publishes (its command address). */
  readonly address: string;
  /**
   * The proxy's address when every peer is heard through it (proxy mode): there is no per-peer
   * link then, and frames come with no peer. Undefined for a transport with a socket per peer.
   */
  readonly proxy?: string;
  setHandlers(handlers: TransportHandlers): void;
  start(): Promise<void>;
  publish(frame: Buffer): Promise<void>;
  /**
   * Optional: publishes a frame given as its text (src/ipc/codec.ts, encodeFrameText), whose UTF-8
   * bytes are the frame. The ZeroMQ transports hand ZeroMQ a string anyway; the command system
   * sends text where this exists, a Buffer otherwise.
   */
  publishText?(frame: string): Promise<void>;
  connect(peer: PeerSpec): void;
  disconnect(peerId: string): void;
  /** Closes everything; `lingerMs` lets queued frames leave first. */
  close(options?: { lingerMs?: number }): Promise<void>;
}

export const ipcAddress = (ipcDir: string, id: string): string =>
  `ipc://${join(commandDir(ipcDir), `${id}.ipc`)}`;

/** Parses `mm1` or `mm1=tcp://host:port` (configuration and `connectToProcess`). */
export function parsePeerSpec(spec: string): PeerSpec {
  const eq = spec.indexOf("=");
  if (eq < 0) return { id: spec.trim() };
  return { id: spec.slice(0, eq).trim(), address: spec.slice(eq + 1).trim() };
}
