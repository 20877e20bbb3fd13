/**
 * Z85 (ZeroMQ RFC 32), the text form of CURVE keys: ZAP hands the proxy a client's public key as 32
 * raw bytes, certificates and the allow list hold it as 40 Z85 characters, and zeromq.js exports no
 * codec between the two.
 */
import { MissionctlError } from "../errors.ts";

/**
 * Input that is not Z85, or not a multiple of the block size.
 *
 * @example
 * try { z85Decode(text); } catch (e) { if (e instanceof Z85Error) refuse(text); }
 */
export class Z85Error extends MissionctlError<"BAD_Z85"> {
  override name = "Z85Error";
  constructor(message: string) {
    super("BAD_Z85", message);
  }
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DECODE = new Map([...ALPHABET].map((c, i) => [c, i]));

/**
 * Encodes bytes (a multiple of 4) as Z85: every 4 bytes, big-endian, become 5 characters.
 *
 * @throws Z85Error when the length is not a multiple of 4.
 * @example
 * z85Encode(Uint8Array.of(0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b)); // "HelloWorld"
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new Z85Error(`Z85 encodes multiples of 4 bytes, not ${bytes.length}`);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    // Unsigned: the first byte's high bit would make a 32-bit shift negative.
    let value = ((bytes[i] as number) * 2 ** 24 + (bytes[i + 1] as number) * 2 ** 16) >>> 0;
    value += (bytes[i + 2] as number) * 2 ** 8 + (bytes[i + 3] as number);
    let block = "";
    for (let k = 0; k < 5; k++) {
      block = (ALPHABET[value % 85] as string) + block;
      value = Math.floor(value / 85);
    }
    out += block;
  }
  return out;
}

/**
 * Decodes Z85 text (a multiple of 5 characters) to bytes.
 *
 * @throws Z85Error on a length that is not a multiple of 5, a character outside the alphabet, or a
 * block above 2^32 − 1.
 * @example
 * z85Decode("HelloWorld"); // Uint8Array [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]
 */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new Z85Error(`Z85 text comes in blocks of 5, not ${text.length} characters`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let k = 0; k < 5; k++) {
      const digit = DECODE.get(text[i + k] as string);
      if (digit === undefined) throw new Z85Error(`${JSON.stringify(text[i + k])} is not a Z85 character`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new Z85Error(`Z85 block ${JSON.stringify(text.slice(i, i + 5))} overflows`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}
