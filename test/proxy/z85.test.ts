/** Z85 (ZeroMQ RFC 32): the spec's example, and zeromq's own keys round-trip. */
import { describe, expect, it } from "vitest";
import { curveKeyPair } from "zeromq";
import { Z85Error, z85Decode, z85Encode } from "../../src/proxy/z85.ts";

describe("z85", () => {
  it("encodes and decodes the RFC's example", () => {
    const bytes = Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b);
    expect(z85Encode(bytes)).toBe("HelloWorld");
    expect([...z85Decode("HelloWorld")]).toEqual([...bytes]);
  });

  it("round-trips zeromq's curveKeyPair keys: 40 characters ↔ 32 bytes", () => {
    for (let i = 0; i < 50; i++) {
      const { publicKey, secretKey } = curveKeyPair();
      for (const key of [publicKey, secretKey]) {
        const raw = z85Decode(key);
        expect(raw).toHaveLength(32);
        expect(z85Encode(raw)).toBe(key);
      }
    }
  });

  it("covers the extremes of a block", () => {
    expect(z85Encode(Uint8Array.of(0, 0, 0, 0))).toBe("00000");
    expect(z85Encode(Uint8Array.of(255, 255, 255, 255))).toBe("%nSc0");
    expect([...z85Decode("%nSc0")]).toEqual([255, 255, 255, 255]);
  });

  it("refuses bad lengths, characters outside the alphabet and overflowing blocks", () => {
    expect(() => z85Encode(new Uint8Array(3))).toThrow(Z85Error);
    expect(() => z85Decode("abcd")).toThrow(/blocks of 5/);
    expect(() => z85Decode("abc~e")).toThrow(/not a Z85 character/);
    expect(() => z85Decode("#####")).toThrow(/overflows/);
  });
});
