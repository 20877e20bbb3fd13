/**
 * Typed errors of the IPC layer. Each has a literal `code` to switch on and carries its context.
 *
 * @example
 * try { encodeFrame(cmd); } catch (e) { if (e instanceof IpcError && e.code === "TOPIC_TOO_LONG") ... }
 */
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
  | "INSECURE_ADDRESS";

export class IpcError<C extends IpcErrorCode = IpcErrorCode> extends Error {
  override name = "IpcError";
  constructor(
    readonly code: C,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
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

/** A frame the receiver refused; returned by the decoder, never thrown out of a receive loop. */
export class FrameError extends Error {
  override name = "FrameError";
  readonly code = "BAD_FRAME" as const;
  constructor(
    readonly reason: DropReason,
    message: string,
  ) {
    super(message);
  }
}
