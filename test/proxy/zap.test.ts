/** ZAP decisions (RFC 27) from the allow list, and the reply frames libzmq expects. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { curveKeyPair } from "zeromq";
import { AllowList } from "../../src/proxy/allow-list.ts";
import { writeCertificatePair } from "../../src/proxy/certs.ts";
import { z85Decode } from "../../src/proxy/z85.ts";
import { decideZap } from "../../src/proxy/zap.ts";

let dir: string;
let allow: AllowList;
let listed: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-zap-"));
  listed = writeCertificatePair(dir, "mm1").publicKey;
  allow = new AllowList(dir);
  allow.reload();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A ZAP request as libzmq sends it: version, id, domain, address, identity, mechanism, key. */
const request = (key: Uint8Array, over: Partial<Record<"version" | "domain" | "mechanism", string>> = {}) => [
  Buffer.from(over.version ?? "1.0"),
  Buffer.from("7"),
  Buffer.from(over.domain ?? "missionctl"),
  Buffer.from("10.0.0.9"),
  Buffer.alloc(0),
  Buffer.from(over.mechanism ?? "CURVE"),
  Buffer.from(key),
];

describe("decideZap", () => {
  it("admits a listed key, naming it in Z85", () => {
    expect(decideZap(request(z85Decode(listed)), allow)).toEqual({
      status: "200",
      text: "OK",
      key: listed,
      address: "10.0.0.9",
    });
  });

  it("refuses an unlisted key with 400, naming the key and the address", () => {
    const stranger = curveKeyPair().publicKey;
    expect(decideZap(request(z85Decode(stranger)), allow)).toEqual({
      status: "400",
      text: "key not in the allow list",
      key: stranger,
      address: "10.0.0.9",
    });
  });

  it("refuses another domain, another mechanism, a short key; answers 500 to what is not ZAP 1.0", () => {
    const key = z85Decode(listed);
    expect(decideZap(request(key, { domain: "other" }), allow).status).toBe("400");
    expect(decideZap(request(key, { mechanism: "PLAIN" }), allow).status).toBe("400");
    expect(decideZap(request(key.subarray(0, 16)), allow).status).toBe("400");
    expect(decideZap(request(key, { version: "2.0" }), allow).status).toBe("500");
    expect(decideZap([Buffer.from("1.0")], allow).status).toBe("500");
  });

  it("follows the allow list as it is at the moment of the request", () => {
    const key = z85Decode(listed);
    rmSync(join(dir, "mm1.key"));
    allow.reload();
    expect(decideZap(request(key), allow).status).toBe("400");
  });
});
