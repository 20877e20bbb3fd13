import { z } from "zod";
import { FrameError, IpcError } from "./errors.ts";
import { COMMAND_TYPE_RE, PROCESS_ID_RE, rememberingCheck, TARGET_ID_RE } from "./ids.ts";

/** Every frame starts with a topic of exactly this many bytes (docs/protocol.md). */
export const TOPIC_BYTES = 64;
/** Frames larger than this are dropped unless a receiver is configured otherwise. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
/**
 * Deepest nesting of objects and arrays a body may have (the body itself is level 1, its payload 2).
 * Deeper JSON parses, but stringifying or logging it overflows the stack: one such frame would end
 * a receive loop, so it is refused like any other malformed body.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests objects or arrays more than `limit` levels deep. Recursion stops at the limit. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}

/** The IPCCommand body (docs/protocol.md); unknown fields are stripped, not refused. */
export const ipcCommandSchema = z.object({
  command_id: z.string().min(1).max(200),
  sender_id: z.string().regex(PROCESS_ID_RE),
  target_id: z.string().regex(TARGET_ID_RE),
  command_type: z.string().regex(COMMAND_TYPE_RE),
  payload: z.record(z.string(), z.unknown()),
  timestamp: z.number().int().nonnegative(),
});

export type IpcCommand = z.infer<typeof ipcCommandSchema>;

/** Payload of a `reply` (docs/protocol.md, replies). */
export const replyPayloadSchema = z.object({
  reply_to: z.string(),
  status: z.enum(["accepted", "ok", "error"]),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});

export type ReplyPayload = z.infer<typeof replyPayloadSchema>;
export type ReplyStatus = ReplyPayload["status"];

/** The ASCII topic `{target}.{type}`, space-padded to 64 bytes; longer is an error, never truncated. */
export function encodeTopic(targetId: string, commandType: string): Buffer {
  const topic = `${targetId}.${commandType}`;
  const bytes = Buffer.byteLength(topic, "ascii");
  if (bytes > TOPIC_BYTES) {
    throw new IpcError("TOPIC_TOO_LONG", `topic "${topic}" is ${bytes} bytes; the limit is ${TOPIC_BYTES}`, {
      topic,
    });
  }
  return Buffer.from(topic.padEnd(TOPIC_BYTES, " "), "ascii");
}

/**
 * Encodes one IPCCommand as one frame: 64-byte topic + UTF-8 JSON.
 *
 * @example
 * const frame = encodeFrame({ command_id: "cli_1_1", sender_id: "cli", target_id: "mm1",
 *   command_type: "ping", payload: {}, timestamp: 1 });
 */
export function encodeFrame(command: IpcCommand): Buffer {
  return Buffer.from(encodeFrameText(command), "utf8");
}

/**
 * One IPCCommand's frame as text: the topic padded to 64 characters, then the JSON body. Its UTF-8
 * encoding is exactly {@link encodeFrame}'s bytes (ids are ASCII, and JSON.stringify escapes lone
 * surrogates, so the text always encodes). The ZeroMQ transports send text as it is
 * (src/ipc/serial-send.ts): no Buffer to build, and none to convert back.
 *
 * @example
 * const text = encodeFrameText(command);
 * Buffer.from(text).equals(encodeFrame(command)); // true
 */
export function encodeFrameText(command: IpcCommand): string {
  // The hand-written check accepts only what the schema accepts; zod runs for anything else, so a bad
  // command still gets the schema's error message (zod cost ~3 µs a frame on the send path).
  if (!isCommandShape(command as unknown)) {
    const checked = ipcCommandSchema.safeParse(command);
    if (!checked.success) {
      throw new IpcError("INVALID_COMMAND", `invalid command: ${z.prettifyError(checked.error)}`, {
        commandId: command.command_id,
      });
    }
  }
  if (nestsDeeperThan(command.payload, MAX_JSON_DEPTH - 1)) {
    throw new IpcError("INVALID_COMMAND", `payload nests deeper than ${MAX_JSON_DEPTH} levels`, {
      commandId: command.command_id,
    });
  }
  return paddedTopic(command.target_id, command.command_type) + JSON.stringify(command);
}

/** The last padded topic made: a process sends mostly one kind of frame (a strategy its replies). */
let lastTopic = "";
let lastPadded = "";

/** `{target}.{type}` padded with spaces to 64 characters; throws TOPIC_TOO_LONG beyond (ids are ASCII). */
function paddedTopic(target: string, type: string): string {
  const topic = `${target}.${type}`;
  if (topic === lastTopic) return lastPadded;
  if (topic.length > TOPIC_BYTES) encodeTopic(target, type); // throws TOPIC_TOO_LONG
  lastTopic = topic;
  lastPadded = topic.padEnd(TOPIC_BYTES, " ");
  return lastPadded;
}

export type DecodeResult = { ok: true; command: IpcCommand } | { ok: false; error: FrameError };

const fail = (reason: FrameError["reason"], message: string): DecodeResult => ({
  ok: false,
  error: new FrameError(reason, message),
});

/** The topic as a string, trailing padding (spaces, 0x20, only) removed; for messages. */
const topicOf = (buf: Buffer): string => buf.toString("latin1", 0, topicEnd(buf));

/** Where the topic's text ends: padding is spaces (0x20) only, so tabs, NUL or 0xA0 stay part of it. */
function topicEnd(buf: Buffer): number {
  let end = TOPIC_BYTES;
  while (end > 0 && buf[end - 1] === 0x20) end--;
  return end;
}

/** Whether the topic's bytes are exactly `{target}.{type}` (both ASCII once validated). */
function topicIs(buf: Buffer, target: string, type: string): boolean {
  const end = topicEnd(buf);
  if (end !== target.length + 1 + type.length) return false;
  for (let i = 0; i < target.length; i++) if (buf[i] !== target.charCodeAt(i)) return false;
  if (buf[target.length] !== 0x2e) return false;
  for (let i = 0, at = target.length + 1; i < type.length; i++, at++)
    if (buf[at] !== type.charCodeAt(i)) return false;
  return true;
}

/** Decodes one frame; malformed input gives `{ ok: false }` with the reason, never a throw. */
export function decodeFrame(frame: Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): DecodeResult {
  if (frame.length > maxBytes) return fail("too_large", `frame of ${frame.length} bytes exceeds ${maxBytes}`);
  if (frame.length < TOPIC_BYTES)
    return fail("too_short", `frame of ${frame.length} bytes has no full topic`);
  // The hot path (a bot hears every process's heartbeats): no copy of a Buffer, no topic string
  // unless a message needs it.
  const buf = frame instanceof Buffer ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  let body: unknown;
  try {
    body = JSON.parse(buf.toString("utf8", TOPIC_BYTES));
  } catch {
    return fail("bad_json", `body after topic "${topicOf(buf)}" is not JSON`);
  }
  // Fast path for the well-formed frames that make up the traffic; zod (and its message) otherwise.
  // The depth check comes first either way; for a body of the right shape only its payload can nest.
  let command = readCommandShape(body);
  if (
    command ? nestsDeeperThan(command.payload, MAX_JSON_DEPTH - 1) : nestsDeeperThan(body, MAX_JSON_DEPTH)
  ) {
    return fail("bad_schema", `topic "${topicOf(buf)}": body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (!command) {
    const parsed = ipcCommandSchema.safeParse(body);
    if (!parsed.success)
      return fail("bad_schema", `topic "${topicOf(buf)}": ${z.prettifyError(parsed.error)}`);
    command = parsed.data;
  }
  if (!topicIs(buf, command.target_id, command.command_type)) {
    return fail(
      "topic_mismatch",
      `topic "${topicOf(buf)}" disagrees with body ${command.target_id}.${command.command_type}`,
    );
  }
  return { ok: true, command };
}

/** Reads a reply's payload, or undefined when the command is not a well-formed reply. */
export function readReply(command: IpcCommand): ReplyPayload | undefined {
  if (command.command_type !== "reply") return undefined;
  const p = command.payload;
  const { reply_to, status, result, error } = p;
  if (
    typeof reply_to === "string" &&
    (status === "ok" || status === "accepted" || status === "error") &&
    (result === undefined ? !("result" in p) : isJsonRecord(result)) &&
    (error === undefined ? !("error" in p) : typeof error === "string")
  ) {
    const reply: ReplyPayload = { reply_to, status };
    if (result !== undefined) reply.result = result as Record<string, unknown>;
    if (typeof error === "string") reply.error = error;
    return reply;
  }
  const parsed = replyPayloadSchema.safeParse(p);
  return parsed.success ? parsed.data : undefined;
}

/*
 * Hand-written equivalents of the schemas above, for speed. They may refuse more than zod (the
 * callers then ask zod, which decides), never less: every value they accept, zod accepts with the same
 * output. test/ipc/codec-fast.test.ts checks that against zod on valid and mutated inputs.
 */

/**
 * What z.record(z.string(), z.unknown()) accepts and returns unchanged: a plain object (zod's
 * isPlainObject). Own `__proto__` / `constructor` keys (which zod treats specially) go to zod.
 */
function isJsonRecord(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return !Object.hasOwn(v, "__proto__") && !Object.hasOwn(v, "constructor");
}

const isSender = rememberingCheck(PROCESS_ID_RE, "chatops");
const isTarget = rememberingCheck(TARGET_ID_RE, "*");
const isType = rememberingCheck(COMMAND_TYPE_RE, "heartbeat");

function isCommandShape(c: unknown): c is IpcCommand {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return false;
  const { command_id, sender_id, target_id, command_type, payload, timestamp } = c as Record<string, unknown>;
  return (
    typeof command_id === "string" &&
    command_id.length >= 1 &&
    command_id.length <= 200 &&
    typeof sender_id === "string" &&
    isSender(sender_id) &&
    typeof target_id === "string" &&
    isTarget(target_id) &&
    typeof command_type === "string" &&
    isType(command_type) &&
    isJsonRecord(payload) &&
    typeof timestamp === "number" &&
    Number.isSafeInteger(timestamp) &&
    timestamp >= 0
  );
}

/** The schema's output for `body` (known fields only, in schema order), or undefined to ask zod. */
function readCommandShape(body: unknown): IpcCommand | undefined {
  if (!isCommandShape(body)) return undefined;
  return {
    command_id: body.command_id,
    sender_id: body.sender_id,
    target_id: body.target_id,
    command_type: body.command_type,
    payload: body.payload,
    timestamp: body.timestamp,
  };
}
