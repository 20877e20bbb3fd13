import type * as zmq from "zeromq";
import type { Logger } from "../log.ts";
import type { TransportHandlers } from "./transport.ts";

/**
 * The one receive loop of a subscriber socket: every frame goes up to `handlers().frame` with
 * `peer` (the process whose socket it is, or undefined when one socket carries everyone's, as
 * through the proxy). One frame's failure must not end the loop: we would be deaf for good.
 * Ends quietly when the socket closes.
 *
 * It awaits `receive()` itself rather than `for await` over the socket: zeromq.js's async iterator
 * wraps each receive in another async function, a result object and a native `closed` check, and
 * ends the same way this loop does (a receive that fails on a closed socket).
 *
 * @example
 * void receiveFrames(sub, "mm1", () => this.#handlers, log);
 */
export async function receiveFrames(
  socket: zmq.Subscriber,
  peer: string | undefined,
  handlers: () => TransportHandlers,
  log: Logger,
): Promise<void> {
  for (;;) {
    let frame: Buffer | undefined;
    try {
      [frame] = await socket.receive();
    } catch (err) {
      if (!socket.closed) log.error({ err, peer }, "subscriber receive loop failed");
      return;
    }
    if (!frame) continue;
    try {
      handlers().frame(frame, peer);
    } catch (err) {
      log.error({ err, peer }, "frame handler threw; frame dropped");
    }
    // The next receive() waits for the microtasks this frame queued: a reply that settles a request
    // lets its caller send the next command first. receive() is a native call with a system call
    // (ZeroMQ's event check): made before that send, it would delay it by microseconds.
    await null;
  }
}
