/**
 * What the proxy tests share: a key directory (the proxy's certificate, an allow directory, client
 * certificates listed or not), a proxy on a free PORT / PORT + 1 pair of loopback ports, and CURVE
 * (or plaintext) client sockets that record what they see.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { type Socket, Subscriber, XPublisher } from "zeromq";
import type { Logger } from "../../src/log.ts";
import { readSecretCertificate, writeCertificatePair } from "../../src/proxy/certs.ts";
import { ProxyError } from "../../src/proxy/errors.ts";
import { type ProxyHandle, type ProxyOptions, startProxy } from "../../src/proxy/proxy.ts";

/** A temporary directory with `proxy.key_secret`, `allow/` and client certificates in `clients/`. */
export interface KeyDir {
  root: string;
  allowDir: string;
  proxyCert: string;
  /** Writes client `name`'s pair in clients/ and, when `listed`, its public file in allow/. */
  client(name: string, listed?: boolean): { publicKey: string; secretKey: string; publicFile: string };
  cleanup(): void;
}

export function makeKeyDir(): KeyDir {
  const root = mkdtempSync(join(tmpdir(), "mctl-proxy-"));
  const allowDir = join(root, "allow");
  const clients = join(root, "clients");
  mkdirSync(allowDir, { mode: 0o700 }); // the umask may leave group write, which the proxy refuses
  mkdirSync(clients);
  const proxyCert = writeCertificatePair(root, "proxy").secretFile;
  return {
    root,
    allowDir,
    proxyCert,
    client(name, listed = true) {
      const { secretFile } = writeCertificatePair(listed ? allowDir : clients, name);
      const keys = readSecretCertificate(secretFile);
      if (listed) rmSync(secretFile); // the allow directory holds public files only
      return { ...keys, publicFile: join(listed ? allowDir : clients, `${name}.key`) };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Log lines written through a pino logger, parsed. */
export function captureLog(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/** A random PORT in 20000-60000 whose PORT + 1 is free too (retried on EADDRINUSE). */
export async function startProxyOnFreePort(options: Omit<ProxyOptions, "bind">): Promise<ProxyHandle> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    try {
      return await startProxy({ ...options, bind: `tcp://127.0.0.1:${port}` });
    } catch (err) {
      if (!(err instanceof ProxyError && err.code === "ADDRESS_IN_USE") || attempt > 20) throw err;
    }
  }
}

/** CURVE client options for a key pair and the proxy's public key; none for a plaintext client. */
export const curveClient = (serverKey: string, keys?: { publicKey: string; secretKey: string }) =>
  keys ? { curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey } : {};

/** Sockets a test opened, closed in afterEach whatever happened. */
export class Sockets {
  readonly #all: Socket[] = [];

  add<S extends Socket>(socket: S): S {
    this.#all.push(socket);
    return socket;
  }

  closeAll(): void {
    for (const s of this.#all.splice(0)) if (!s.closed) s.close();
  }
}

/** A publisher (XPUB, as missionctl's) connected to the frontend, recording the subscriptions it sees. */
export function publisher(sockets: Sockets, proxy: ProxyHandle, options: object) {
  const pub = sockets.add(new XPublisher({ verbosity: "allSubsUnsubs", linger: 0, ...options }));
  const seen: string[] = [];
  pub.connect(proxy.frontend);
  void (async () => {
    try {
      for await (const [msg] of pub)
        if (msg) seen.push(`${msg[0] === 1 ? "+" : "-"}${msg.toString("latin1", 1)}`);
    } catch {
      // closed
    }
  })();
  return { pub, seen };
}

/** A subscriber connected to the backend with `prefixes`, recording the frames it receives. */
export function subscriber(sockets: Sockets, proxy: ProxyHandle, options: object, prefixes: string[]) {
  const sub = sockets.add(new Subscriber({ linger: 0, ...options }));
  const frames: Buffer[] = [];
  for (const p of prefixes) sub.subscribe(p);
  sub.connect(proxy.backend);
  void (async () => {
    try {
      for await (const [frame] of sub) if (frame) frames.push(frame);
    } catch {
      // closed
    }
  })();
  return { sub, frames };
}

/** Sends `frame` every 50 ms until `stop()` holds or `ms` passed (a subscriber may join late). */
export async function publishUntil(pub: XPublisher, frame: Buffer | string, stop: () => boolean, ms = 3000) {
  const start = Date.now();
  while (!stop() && Date.now() - start < ms) {
    await pub.send(frame);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
