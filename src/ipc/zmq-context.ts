/**
 * How many peers one process can hear over ipc. Each heard peer costs three ZeroMQ sockets (its SUB,
 * and the pair behind the SUB's event monitor) and about four file descriptors (three mailboxes and
 * the connection). libzmq's context holds 1,023 sockets unless told otherwise, and reads that number
 * once, when its first socket is made: a bot meant for 1,000 processes must reserve its sockets
 * before any exists, and refuse to start when the machine cannot give them.
 */
import { readFileSync } from "node:fs";
import * as zmq from "zeromq";
import { IpcError } from "./errors.ts";

/** Sockets per heard peer: the SUB, and the two PAIR sockets of its event monitor. */
export const SOCKETS_PER_PEER = 3;
/** File descriptors per heard peer: three socket mailboxes and the ipc connection. */
export const FDS_PER_PEER = 4;
/** Sockets kept for the rest of the process: its XPUB, a `send`, a ZAP handler, the proxy's. */
const RESERVED_SOCKETS = 32;
/** Descriptors kept for the rest: stdio, the state database, HTTP, inotify, Node's own. */
const RESERVED_FDS = 256;

let firstSocketMade = false;

/** Called before the transport makes its first socket: from then on the capacity is fixed. */
export function noteSocketsMade(): void {
  firstSocketMade = true;
}

/** Peers the process's ZeroMQ context can hold now (1,023 sockets: 330 peers). */
export function peerCapacity(): number {
  return Math.max(0, Math.floor((zmq.context.maxSockets - RESERVED_SOCKETS) / SOCKETS_PER_PEER));
}

/** The soft limit on open files (`ulimit -n`), from /proc; undefined where that cannot be read. */
export function openFileLimit(
  read: () => string = () => readFileSync("/proc/self/limits", "utf8"),
): number | undefined {
  try {
    const line = read()
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
    if (soft === undefined || soft === "unlimited") return undefined;
    const n = Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes room for `peers` heard peers: raises the context's socket limit (before its first socket)
 * and checks the open-file limit.
 *
 * @throws IpcError `CAPACITY` when libzmq or the open-file limit cannot hold that many, or when
 *   sockets exist already and the context is too small; the message says what to change.
 * @example
 * reservePeerSockets(config.MISSIONCTL_MAX_PROCESSES + config.MISSIONCTL_PROCESSES.length);
 */
export function reservePeerSockets(peers: number, fileLimit: number | undefined = openFileLimit()): void {
  const sockets = peers * SOCKETS_PER_PEER + RESERVED_SOCKETS;
  const advice = "lower MISSIONCTL_MAX_PROCESSES, or hear the processes through the proxy (MISSIONCTL_PROXY)";
  if (sockets > zmq.context.maxSocketsLimit) {
    throw new IpcError(
      "CAPACITY",
      `hearing ${peers} processes over ipc takes ${sockets} ZeroMQ sockets, more than libzmq's limit of ${zmq.context.maxSocketsLimit}: ${advice}`,
      { peers, sockets, limit: zmq.context.maxSocketsLimit },
    );
  }
  const fds = peers * FDS_PER_PEER + RESERVED_FDS;
  if (fileLimit !== undefined && fds > fileLimit) {
    throw new IpcError(
      "CAPACITY",
      `hearing ${peers} processes over ipc takes about ${fds} open files, more than this process's limit of ${fileLimit} (ulimit -n; LimitNOFILE= in a systemd unit): raise it, or ${advice}`,
      { peers, fds, limit: fileLimit },
    );
  }
  if (sockets <= zmq.context.maxSockets) return;
  if (firstSocketMade) {
    throw new IpcError(
      "CAPACITY",
      `room for ${peers} heard processes must be reserved before the first ZeroMQ socket is made (the context holds ${peerCapacity()})`,
      { peers, capacity: peerCapacity() },
    );
  }
  zmq.context.maxSockets = sockets;
}
