import { isUtf8 } from "node:buffer";

/**
 * zeromq.js sends a Buffer over 128 bytes zero-copy, and frees it by waking the main thread from the
 * I/O thread (a uv_async) after every such frame: an extra event-loop wake-up per message, measured at
 * 20-40 µs of CPU per round trip. A string is copied into ZeroMQ and freed on its own thread instead.
 * A frame that is valid UTF-8 (all of ours: topic + JSON) round-trips exactly through a string, so
 * those go as strings; anything else, and frames too large for the copy to pay, go as the Buffer.
 */
const STRING_SEND_MAX = 16 * 1024;
const wireForm = (frame: Buffer): Buffer | string =>
  frame.length > 128 && frame.length <= STRING_SEND_MAX && isUtf8(frame) ? frame.toString("utf8") : frame;

/** Anything with zeromq.js's `send`: a publisher socket. */
export interface SendingSocket {
  send(data: Buffer | string): Promise<void>;
}

interface QueuedSend {
  data: Buffer | string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Sends on whichever socket `socket()` returns now, one send at a time (zeromq.js allows one in
 * flight per socket), in order. The socket is looked up per send because the proxy transport
 * re-creates its publisher when the proxy refuses our key.
 *
 * @example
 * const sender = new SerialSender(() => pub);
 * await sender.send(frame);
 * await sender.drained(); // before closing the socket
 */
export class SerialSender {
  #queue: QueuedSend[] = [];
  #busy = false;
  #drained?: () => void;

  constructor(private readonly socket: () => SendingSocket) {}

  /** Sends `frame` once every earlier send has left; an idle sender sends at once. */
  send(frame: Buffer): Promise<void> {
    return this.#enqueue(wireForm(frame));
  }

  /**
   * Sends a frame given as its text (src/ipc/codec.ts, encodeFrameText), whose UTF-8 bytes go on
   * the wire: as a string, whatever its size (ZeroMQ copies a string once, as a Buffer would have
   * been made from it).
   */
  sendText(frame: string): Promise<void> {
    return this.#enqueue(frame);
  }

  #enqueue(data: Buffer | string): Promise<void> {
    // Idle socket: send now, with no promise-chain hop; busy: queue behind the send in flight.
    if (!this.#busy) return this.#send(data);
    return new Promise((resolve, reject) => this.#queue.push({ data, resolve, reject }));
  }

  /** Resolves once nothing is queued or in flight. */
  drained(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#drained;
      this.#drained = () => {
        previous?.();
        resolve();
      };
    });
  }

  #send(data: Buffer | string): Promise<void> {
    this.#busy = true;
    let sent: Promise<void>;
    try {
      sent = this.socket().send(data);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(this.#next, this.#next);
    return sent;
  }

  readonly #next = (): void => {
    const next = this.#queue.shift();
    if (next) {
      this.#send(next.data).then(next.resolve, next.reject);
      return;
    }
    this.#busy = false;
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  };
}
