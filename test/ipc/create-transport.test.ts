/**
 * The one factory every process takes its transport from: ipc unless MISSIONCTL_PROXY is set, and
 * in proxy mode the certificates read at once, a bad one being one configuration line (exit 2).
 */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createTransport, isProxyMode, readProxyKeys } from "../../src/ipc/create-transport.ts";
import { ProxyTransport } from "../../src/ipc/proxy-transport.ts";
import { ZmqTransport } from "../../src/ipc/zmq-transport.ts";
import { writeCertificatePair } from "../../src/proxy/certs.ts";
import { tempIpcDir } from "../helpers.ts";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function keys() {
  const tmp = tempIpcDir();
  cleanup = tmp.cleanup;
  const own = writeCertificatePair(tmp.dir, "mm1");
  const proxy = writeCertificatePair(tmp.dir, "proxy");
  return { dir: tmp.dir, own, proxy };
}

const proxyConfig = (cert: string, proxyCert: string) =>
  loadConfig(
    { MISSIONCTL_PROXY: "tcp://10.0.0.5:7000", MISSIONCTL_CERT: cert, MISSIONCTL_PROXY_CERT: proxyCert },
    { envFile: false },
  );

describe("createTransport", () => {
  it("without MISSIONCTL_PROXY: ZeroMQ ipc under MISSIONCTL_IPC_DIR", () => {
    const config = loadConfig({ MISSIONCTL_IPC_DIR: "/tmp/x" }, { envFile: false });
    expect(isProxyMode(config)).toBe(false);
    const t = createTransport(config, "mm1");
    expect(t).toBeInstanceOf(ZmqTransport);
    expect(t.address).toBe("ipc:///tmp/x/command/mm1.ipc");
    expect(t.proxy).toBeUndefined();
  });

  it("with MISSIONCTL_PROXY: a ProxyTransport publishing at the frontend, with this process's keys", () => {
    const k = keys();
    const config = proxyConfig(join(k.dir, "mm1.key_secret"), k.proxy.publicFile);
    expect(isProxyMode(config)).toBe(true);
    const t = createTransport(config, "mm1");
    expect(t).toBeInstanceOf(ProxyTransport);
    expect(t.address).toBe("tcp://10.0.0.5:7000");
    expect(t.proxy).toBe("tcp://10.0.0.5:7000");
    const read = readProxyKeys(config);
    expect(read.certName).toBe("mm1");
    expect(read.keys.publicKey).toBe(k.own.publicKey);
    expect(read.keys.serverKey).toBe(k.proxy.publicKey);
  });

  it("a secret certificate readable by others: one line naming MISSIONCTL_CERT", () => {
    const k = keys();
    const secret = join(k.dir, "mm1.key_secret");
    chmodSync(secret, 0o644);
    const err = (() => {
      try {
        createTransport(proxyConfig(secret, k.proxy.publicFile), "mm1");
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.problems).toEqual([expect.stringMatching(/^MISSIONCTL_CERT: secret certificate .* mode 644/)]);
  });

  it("a missing proxy certificate, or a public file given as our own: one line each", () => {
    const k = keys();
    expect(() =>
      createTransport(proxyConfig(join(k.dir, "mm1.key_secret"), join(k.dir, "nope.key")), "mm1"),
    ).toThrow(/MISSIONCTL_PROXY_CERT: certificate .*nope\.key cannot be read/);
    expect(() => createTransport(proxyConfig(k.own.publicFile, k.proxy.publicFile), "mm1")).toThrow(
      /MISSIONCTL_CERT: .*mm1\.key holds no secret-key/,
    );
  });
});
