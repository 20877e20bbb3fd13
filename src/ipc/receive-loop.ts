import type * as zmq from "zeromq";
import type { Logger } from "../log.ts";
import type { TransportHandlers } from "./transport.ts";

/**
 * The one receive loop of a subscriber socket: every frame goes up to `handlers().frame` with
 * `peer` (the process whose socket it is, or undefined when one socket carries everyone's, as
 * through the proxy). One frame's failure must not end the loop: we would be deaf for good.
 * Ends quietly when the socket closes.
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
  try {
    for await (const [frame] of socket) {
      if (!frame) continue;
      try {
        handlers().frame(frame, peer);
      } catch (err) {
        log.error({ err, peer }, "frame handler threw; frame dropped");
      }
    }
  } catch (err) {
    if (!socket.closed) log.error({ err, peer }, "subscriber receive loop failed");
  }
}
