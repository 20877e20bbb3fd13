/**
 * The codec validates with hand-written checks on its hot paths and falls back to the zod schemas
 * for anything those refuse. These tests hold the two to the same answers: for valid commands and
 * for every field mutated into values that are near misses, the codec decides (and outputs) exactly
 * what the schema alone would.
 */
import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  encodeFrame,
  type IpcCommand,
  ipcCommandSchema,
  readReply,
  replyPayloadSchema,
  TOPIC_BYTES,
} from "../../src/ipc/index.ts";

const base: IpcCommand = {
  command_id: "cli_1702345678000000_1",
  sender_id: "cli",
  target_id: "mm1",
  command_type: "ping",
  payload: { a: 1 },
  timestamp: 1702345678000000,
};

class Thing {
  x = 1;
}

/** Values that are valid for some fields and near misses for others. */
const odd: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "x",
  "a".repeat(200),
  "a".repeat(201),
  "mm1",
  "mm*",
  "*",
  "**",
  "a.b",
  "a b",
  "Ping",
  "ping",
  "p".repeat(31),
  "p".repeat(32),
  "é",
  [],
  [1],
  {},
  { k: 1 },
  Object.create(null),
  new Thing(),
  new Date(0),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  { constructor: 1 },
];

function variants(): unknown[] {
  const out: unknown[] = [base, { ...base, extra: "ignored" }, null, [], "s"];
  for (const key of Object.keys(base)) {
    for (const v of odd) out.push({ ...base, [key]: v });
    const { [key as keyof IpcCommand]: _dropped, ...without } = base;
    out.push(without);
  }
  return out;
}

const frameOf = (body: unknown): Buffer => {
  const c = body as Partial<Record<keyof IpcCommand, unknown>> | null;
  const str = (v: unknown) => (typeof v === "string" ? v : "x");
  const topic = `${str(c?.target_id)}.${str(c?.command_type)}`.slice(0, TOPIC_BYTES).padEnd(TOPIC_BYTES, " ");
  return Buffer.concat([Buffer.from(topic, "latin1"), Buffer.from(JSON.stringify(body) ?? "null", "utf8")]);
};

describe("codec fast paths agree with the zod schemas", () => {
  it("decodeFrame accepts exactly what the schema accepts, with the same output", () => {
    for (const v of variants()) {
      const frame = frameOf(v);
      const body = JSON.parse(frame.toString("utf8", TOPIC_BYTES));
      const ref = ipcCommandSchema.safeParse(body);
      const got = decodeFrame(frame);
      if (!ref.success) {
        expect(got.ok, JSON.stringify(v)).toBe(false);
        if (!got.ok) expect(got.error.reason).toBe("bad_schema");
      } else if (got.ok) {
        expect(got.command).toEqual(ref.data);
        expect(Object.keys(got.command)).toEqual(Object.keys(ref.data));
      } else {
        expect(got.error.reason, JSON.stringify(v)).toBe("topic_mismatch");
      }
    }
  });

  it("encodeFrame refuses exactly what the schema refuses", () => {
    for (const v of variants()) {
      const ref = ipcCommandSchema.safeParse(v);
      let threw: unknown;
      try {
        encodeFrame(v as IpcCommand);
      } catch (err) {
        threw = err;
      }
      if (ref.success) expect(threw, JSON.stringify(v)).toBeUndefined();
      else if (v === null)
        expect(threw).toBeInstanceOf(TypeError); // as before the fast path
      else expect((threw as { code?: string })?.code, JSON.stringify(v)).toBe("INVALID_COMMAND");
    }
  });

  it("readReply reads exactly what the reply schema accepts", () => {
    const good = { reply_to: "x_1_1", status: "ok", result: { state: "sleeping" }, error: "e" };
    const payloads: unknown[] = [good, { reply_to: "x", status: "accepted" }, { ...good, extra: 1 }];
    for (const key of Object.keys(good))
      for (const v of odd)
        payloads.push({ ...good, [key]: v }, JSON.parse(JSON.stringify({ ...good, [key]: v })));
    payloads.push(JSON.parse('{"reply_to": "x", "status": "ok", "result": {"__proto__": {"a": 1}}}'));
    for (const p of payloads) {
      const ref = replyPayloadSchema.safeParse(p);
      const got = readReply({ ...base, command_type: "reply", payload: p as Record<string, unknown> });
      if (!ref.success) expect(got, JSON.stringify(p)).toBeUndefined();
      else {
        expect(got).toEqual(ref.data);
        expect(Object.keys(got ?? {})).toEqual(Object.keys(ref.data));
      }
    }
  });
});
