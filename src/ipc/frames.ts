/**
 * The command system's two edges: making the frames it sends (ids, size limit) and accepting the
 * frames it hears (decode, size limit, sender bound to the socket), dropping and counting the rest.
 */
import { decodeFrame, encodeFrameText, type IpcCommand } from "./codec.ts";
import type { DropCounter } from "./drop-counter.ts";
import { FrameError, IpcError } from "./errors.ts";
import { assertCommandType, assertTargetId, commandIdGenerator, nowMicros } from "./ids.ts";

/**
 * Builds and encodes the commands one process sends.
 *
 * @example
 * const out = new Outbox("chatops", 64 * 1024);
 * const frame = out.encode(out.build("mm1", "ping", {}));
 */
export class Outbox {
  readonly #nextId: () => string;

  constructor(
    readonly senderId: string,
    readonly maxFrameBytes: number,
  ) {
    this.#nextId = commandIdGenerator(senderId);
  }

  /** A new command with a fresh command_id; throws INVALID_ID for a bad target or type. */
  build(targetId: string, commandType: string, payload: Record<string, unknown>): IpcCommand {
    assertTargetId(targetId);
    assertCommandType(commandType);
    return {
      command_id: this.#nextId(),
      sender_id: this.senderId,
      target_id: targetId,
      command_type: commandType,
      payload,
      timestamp: nowMicros(),
    };
  }

  /**
   * Encodes a command, refusing a frame over the size limit: receivers drop those
   * (docs/protocol.md), so it would only be re-sent until the requester's timeout. An oversized
   * handler result thus becomes an error reply instead of silence.
   */
  encode(command: IpcCommand): Buffer {
    return Buffer.from(this.encodeText(command), "utf8");
  }

  /** {@link encode} as the frame's text (src/ipc/codec.ts, encodeFrameText): what the command system sends. */
  encodeText(command: IpcCommand): string {
    const text = encodeFrameText(command);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > this.maxFrameBytes) {
      throw new IpcError(
        "INVALID_COMMAND",
        `${command.command_type} frame of ${bytes} bytes exceeds the ${this.maxFrameBytes}-byte limit`,
        { commandId: command.command_id },
      );
    }
    return text;
  }
}

/**
 * The command in a frame heard from `peer`, or undefined when the frame is dropped (and counted):
 * malformed, too large, or claiming another sender than the socket it came from. Where the
 * transport knows whose socket a frame came from, the body cannot claim otherwise: a process may
 * speak only for itself (its replies, heartbeats, `stopped`, `crash`).
 *
 * @example
 * const command = acceptFrame(frame, "mm1", 64 * 1024, drops);
 */
export function acceptFrame(
  frame: Buffer,
  peer: string | undefined,
  maxFrameBytes: number,
  drops: DropCounter,
): IpcCommand | undefined {
  const decoded = decodeFrame(frame, maxFrameBytes);
  if (!decoded.ok) {
    drops.record(decoded.error, peer);
    return undefined;
  }
  const command = decoded.command;
  if (peer !== undefined && command.sender_id !== peer) {
    drops.record(
      new FrameError("sender_mismatch", `frame from ${peer} claims to be from ${command.sender_id}`),
      peer,
    );
    return undefined;
  }
  return command;
}
