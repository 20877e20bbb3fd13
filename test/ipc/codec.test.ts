import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeFrame,
  encodeFrameText,
  encodeTopic,
  FrameError,
  type IpcCommand,
  IpcError,
  readReply,
  TOPIC_BYTES,
} from "../../src/ipc/index.ts";

const cmd = (over: Partial<IpcCommand> = {}): IpcCommand => ({
  command_id: "cli_1702345678000000_1",
  sender_id: "cli",
  target_id: "mm1",
  command_type: "ping",
  payload: { a: 1 },
  timestamp: 1702345678000000,
  ...over,
});

/** A frame from raw parts, bypassing the encoder's checks. */
const rawFrame = (topic: string, body: string, pad = 0x20): Buffer => {
  const t = Buffer.alloc(TOPIC_BYTES, pad);
  t.write(topic, "latin1");
  return Buffer.concat([t, Buffer.from(body, "utf8")]);
};

const reasonOf = (frame: Uint8Array, max?: number): string => {
  const r = decodeFrame(frame, max);
  if (r.ok) throw new Error("expected the frame to be refused");
  expect(r.error).toBeInstanceOf(FrameError);
  return r.error.reason;
};

describe("encodeFrame", () => {
  it("writes a 64-byte space-padded ASCII topic followed by the JSON body", () => {
    const c = cmd();
    const frame = encodeFrame(c);
    const expectedTopic = Buffer.from(`mm1.ping${" ".repeat(64 - "mm1.ping".length)}`, "ascii");
    expect(frame.subarray(0, 64).equals(expectedTopic)).toBe(true);
    expect(frame.subarray(64).toString("utf8")).toBe(JSON.stringify(c));
    expect(JSON.parse(frame.subarray(64).toString("utf8"))).toEqual(c);
  });

  it("encodeFrameText is the frame as text: its UTF-8 bytes are encodeFrame's, for any payload", () => {
    for (const payload of [
      {},
      { text: "héllo ✓ 日本 😀" },
      { lone: "\ud800x\udfff" },
      { n: [1, 2.5, null] },
    ]) {
      const c = cmd({ payload });
      const text = encodeFrameText(c);
      const bytes = Buffer.concat([encodeTopic("mm1", "ping"), Buffer.from(JSON.stringify(c), "utf8")]);
      expect(Buffer.from(text, "utf8").equals(bytes)).toBe(true);
      expect(encodeFrame(c).equals(bytes)).toBe(true);
    }
  });

  it("encodes the body as UTF-8 and round-trips non-ASCII payloads", () => {
    const c = cmd({ payload: { text: "héllo ✓ 日本" } });
    const frame = encodeFrame(c);
    expect(frame.length).toBe(64 + Buffer.byteLength(JSON.stringify(c), "utf8"));
    const back = decodeFrame(frame);
    expect(back.ok && back.command).toEqual(c);
  });

  it("accepts a topic of exactly 64 bytes and throws TOPIC_TOO_LONG at 65, never truncating", () => {
    const target = "a".repeat(40);
    const type64 = `t${"x".repeat(22)}`; // 40 + 1 + 23 = 64
    const frame = encodeFrame(cmd({ target_id: target, command_type: type64 }));
    expect(frame.subarray(0, 64).toString("ascii")).toBe(`${target}.${type64}`);
    expect(frame[64]).toBe("{".charCodeAt(0));

    const type65 = `${type64}y`;
    let caught: unknown;
    try {
      encodeFrame(cmd({ target_id: target, command_type: type65 }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IpcError);
    expect((caught as IpcError).code).toBe("TOPIC_TOO_LONG");
    expect(() => encodeTopic(`${target}*`, "x".repeat(31))).toThrow(/73 bytes/);
  });

  it("refuses a command that breaks the id rules", () => {
    for (const bad of [
      cmd({ sender_id: "has.dot" }),
      cmd({ target_id: "a b" }),
      cmd({ target_id: "**" }),
      cmd({ command_type: "Ping" }),
      cmd({ timestamp: 1.5 }),
    ]) {
      expect(() => encodeFrame(bad)).toThrow(IpcError);
    }
  });
});

describe("decodeFrame", () => {
  it("round-trips a valid frame and strips unknown fields", () => {
    const c = cmd();
    const frame = rawFrame("mm1.ping", JSON.stringify({ ...c, extra: "ignored" }));
    const r = decodeFrame(frame);
    expect(r).toEqual({ ok: true, command: c });
  });

  it("decodes from a Uint8Array view with an offset into a larger buffer", () => {
    const inner = encodeFrame(cmd());
    const big = Buffer.alloc(inner.length + 10, 0x41);
    inner.copy(big, 5);
    const r = decodeFrame(new Uint8Array(big.buffer, big.byteOffset + 5, inner.length));
    expect(r.ok && r.command).toEqual(cmd());
  });

  it("drops a frame shorter than the topic", () => {
    expect(reasonOf(Buffer.alloc(0))).toBe("too_short");
    expect(reasonOf(Buffer.from("mm1.ping"))).toBe("too_short");
    expect(reasonOf(Buffer.alloc(63, 0x20))).toBe("too_short");
  });

  it("drops a body that is not JSON (including an empty body)", () => {
    expect(reasonOf(rawFrame("mm1.ping", "{not json"))).toBe("bad_json");
    expect(reasonOf(rawFrame("mm1.ping", ""))).toBe("bad_json");
    expect(reasonOf(Buffer.concat([rawFrame("mm1.ping", ""), Buffer.from([0xff, 0xfe])]))).toBe("bad_json");
  });

  it("drops a body that fails the schema", () => {
    const c = cmd();
    const bodies: unknown[] = [
      null,
      [],
      "string",
      { ...c, command_id: undefined },
      { ...c, timestamp: "1" },
      { ...c, timestamp: -1 },
      { ...c, payload: [1] },
      { ...c, payload: null },
      { ...c, sender_id: "a.b" },
      { ...c, command_type: "BAD" },
    ];
    for (const body of bodies)
      expect(reasonOf(rawFrame("mm1.ping", JSON.stringify(body)))).toBe("bad_schema");
  });

  it("drops a frame whose topic disagrees with its body", () => {
    const body = JSON.stringify(cmd());
    expect(reasonOf(rawFrame("mm2.ping", body))).toBe("topic_mismatch");
    expect(reasonOf(rawFrame("mm1.status", body))).toBe("topic_mismatch");
    expect(reasonOf(rawFrame("*.ping", body))).toBe("topic_mismatch");
    // The topic is padded with spaces, nothing else.
    expect(reasonOf(rawFrame("mm1.ping", body, 0x00))).toBe("topic_mismatch");
    expect(reasonOf(rawFrame("mm1.ping", body, 0x09))).toBe("topic_mismatch");
    expect(reasonOf(rawFrame("mm1.ping", body, 0xa0))).toBe("topic_mismatch");
  });

  it("drops a frame over the size limit, default 64 KiB", () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(65536);
    const c = cmd();
    const base = encodeFrame({ ...c, payload: { s: "" } }).length;
    const exact = encodeFrame({ ...c, payload: { s: "x".repeat(DEFAULT_MAX_FRAME_BYTES - base) } });
    expect(exact.length).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(decodeFrame(exact).ok).toBe(true);
    const over = encodeFrame({ ...c, payload: { s: "x".repeat(DEFAULT_MAX_FRAME_BYTES - base + 1) } });
    expect(reasonOf(over)).toBe("too_large");
    expect(reasonOf(encodeFrame(cmd()), 100)).toBe("too_large");
  });
});

describe("readReply", () => {
  const reply = (payload: Record<string, unknown>) =>
    cmd({ sender_id: "mm1", target_id: "cli", command_type: "reply", payload });

  it("reads a well-formed reply payload", () => {
    expect(readReply(reply({ reply_to: "x_1_1", status: "ok", result: { state: "sleeping" } }))).toEqual({
      reply_to: "x_1_1",
      status: "ok",
      result: { state: "sleeping" },
    });
    expect(readReply(reply({ reply_to: "x_1_1", status: "error", error: "boom" }))?.error).toBe("boom");
  });

  it("is undefined for non-replies and malformed reply payloads", () => {
    expect(readReply(cmd())).toBeUndefined();
    expect(readReply(reply({ reply_to: "x", status: "done" }))).toBeUndefined();
    expect(readReply(reply({ status: "ok" }))).toBeUndefined();
  });
});
