/**
 * Proxy mode in tests: a real CURVE proxy (startProxy, on a free loopback PORT / PORT + 1) with its
 * key directory, and IpcCommandSystems over ProxyTransport whose keys are listed in its allow
 * directory or not.
 */
import { copyFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { BackoffOptions } from "../../src/backoff.ts";
import { IpcCommandSystem } from "../../src/ipc/command-system.ts";
import type { LinkTimings } from "../../src/ipc/proxy-socket.ts";
import { ProxyTransport } from "../../src/ipc/proxy-transport.ts";
import type { Logger } from "../../src/log.ts";
import type { ProxyHandle } from "../../src/proxy/proxy.ts";
import { captureLog, type KeyDir, makeKeyDir, startProxyOnFreePort } from "../proxy/helpers.ts";

/** A client of the proxy: its command system, its transport and its key files. */
export interface ProxyClient {
  ipc: IpcCommandSystem;
  transport: ProxyTransport;
  publicKey: string;
  /** Its public certificate, `{name}.key` (in the allow directory when listed). */
  publicFile: string;
  /** Lists its key in the proxy's allow directory (the proxy reloads on the change). */
  admit(): void;
}

export interface ProxySetup {
  keys: KeyDir;
  proxy: ProxyHandle;
  /** `tcp://127.0.0.1:PORT`, what MISSIONCTL_PROXY holds. */
  address: string;
  /** What the proxy logged (refusals, reloads). */
  proxyLog: Record<string, unknown>[];
  client(
    id: string,
    options?: {
      listed?: boolean;
      logger?: Logger;
      refusedBackoff?: BackoffOptions;
      timings?: Partial<LinkTimings>;
      /** Connect here rather than to the proxy itself (a relay in front of it). */
      via?: string;
      start?: boolean;
    },
  ): Promise<ProxyClient>;
  /** Closes every client, then the proxy, then removes the keys. */
  cleanup(): Promise<void>;
}

/**
 * Starts a proxy and returns a factory of clients.
 *
 * @example
 * const s = await proxySetup();
 * const bot = await s.client("bot");
 * await s.cleanup();
 */
export async function proxySetup(): Promise<ProxySetup> {
  const keys = makeKeyDir();
  const { logger, lines } = captureLog();
  // The proxy's own heartbeat is slow here: its frames are noise for these tests.
  const proxy = await startProxyOnFreePort({
    cert: keys.proxyCert,
    allowDir: keys.allowDir,
    logger,
    heartbeatMs: 60_000,
  });
  const clients: IpcCommandSystem[] = [];
  return {
    keys,
    proxy,
    address: proxy.frontend,
    proxyLog: lines,
    async client(id, options = {}) {
      const pair = keys.client(id, options.listed ?? true);
      // Listed now, not when the proxy's watcher gets to it: a first refusal would cost a backoff.
      proxy.reload();
      const transport = new ProxyTransport({
        id,
        proxy: options.via ?? proxy.frontend,
        curve: { publicKey: pair.publicKey, secretKey: pair.secretKey, serverKey: proxy.publicKey },
        certName: id,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.refusedBackoff ? { refusedBackoff: options.refusedBackoff } : {}),
        ...(options.timings ? { timings: options.timings } : {}),
      });
      const ipc = new IpcCommandSystem({ id, transport });
      clients.push(ipc);
      if (options.start !== false) await ipc.start();
      return {
        ipc,
        transport,
        publicKey: pair.publicKey,
        publicFile: pair.publicFile,
        admit: () => copyFileSync(pair.publicFile, join(keys.allowDir, basename(pair.publicFile))),
      };
    },
    async cleanup() {
      for (const c of clients.splice(0)) await c.stop().catch(() => {});
      await proxy.close().catch(() => {});
      keys.cleanup();
    },
  };
}
