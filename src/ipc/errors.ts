import { MissionctlError } from "../errors.ts";

/** What went wrong in the IPC layer. */
export type IpcErrorCode =
  | "TOPIC_TOO_LONG"
  | "INVALID_ID"
  | "INVALID_COMMAND"
  | "NOT_STARTED"
  | "NOT_CONNECTED"
  | "ABORTED"
  | "CLOSED"
  | "ADDRESS_IN_USE"
  | "UNSAFE_IPC_DIR"
  | "INSECURE_ADDRESS"
  /** Not a usable proxy address (MISSIONCTL_PROXY). */
  | "INVALID_ADDRESS"
  /** More heard processes than ZeroMQ's sockets or the open-file limit allow (src/ipc/zmq-context.ts). */
  | "CAPACITY";

/**
 * Typed errors of the IPC layer: a literal `code` to switch on, and the `context` that explains it.
 *
 * @example
 * try { encodeFrame(cmd); } catch (e) { if (e instanceof IpcError && e.code === "TOPIC_TOO_LONG") ... }
 */
export class IpcError<C extends IpcErrorCode = IpcErrorCode> extends MissionctlError<C> {
  override name = "IpcError";
}

/** Why an incoming frame was dropped; each reason has its own counter. */
export type DropReason =
  | "too_short"
  | "too_large"
  | "bad_json"
  | "bad_schema"
  | "topic_mismatch"
  /** The body's sender_id is not the process whose socket the frame came from. */
  | "sender_mismatch";

/**
 * A frame the receiver refused; returned by the decoder, never thrown out of a receive loop.
 *
 * @example
 * const r = decodeFrame(frame); if (!r.ok) drops.record(r.error, peer); // r.error.reason: "bad_json"
 */
export class FrameError extends MissionctlError<"BAD_FRAME"> {
  override name = "FrameError";
  constructor(
    readonly reason: DropReason,
    message: string,
  ) {
    super("BAD_FRAME", message, { reason });
  }
}
