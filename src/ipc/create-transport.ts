/**
 * The one place that picks a process's transport from the configuration: ZeroMQ ipc (or loopback
 * tcp) by default, the proxy with CURVE when MISSIONCTL_PROXY is set (docs/protocol.md, Several
 * hosts). The bot, `missionctl strategy`, `runStrategy`, `send` and the demo all come through here,
 * so they agree on the layout.
 */
import { basename } from "node:path";
import type { Clock } from "../clock.ts";
import { type Config, ConfigError } from "../config.ts";
import type { Logger } from "../log.ts";
import { CertError, readCertificate, readSecretCertificate } from "../proxy/certs.ts";
import { IpcError } from "./errors.ts";
import type { CurveClientKeys } from "./proxy-socket.ts";
import { ProxyTransport } from "./proxy-transport.ts";
import type { Transport } from "./transport.ts";
import { ZmqTransport } from "./zmq-transport.ts";

/** The configuration a transport is made from. */
export type TransportConfig = Pick<
  Config,
  | "MISSIONCTL_IPC_DIR"
  | "MISSIONCTL_PROXY"
  | "MISSIONCTL_CERT"
  | "MISSIONCTL_PROXY_CERT"
  | "MISSIONCTL_LINK_HEARTBEAT_MS"
  | "MISSIONCTL_LINK_TIMEOUT_MS"
  | "MISSIONCTL_CONNECT_TIMEOUT_MS"
>;

/**
 * True when the configuration puts this process behind the proxy.
 *
 * @example
 * if (isProxyMode(config)) log.info("heard through the proxy; IPC_DIR is not watched");
 */
export const isProxyMode = (config: Pick<Config, "MISSIONCTL_PROXY">): boolean =>
  config.MISSIONCTL_PROXY !== undefined;

/** Runs `read`, turning a certificate problem into a configuration one: one line, exit 2. */
function certificate<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof CertError) throw new ConfigError([`${name}: ${err.message}`]);
    throw err;
  }
}

/**
 * Reads this process's key pair (MISSIONCTL_CERT) and the proxy's public key (MISSIONCTL_PROXY_CERT)
 * now, at start: a missing, malformed or unsafe certificate stops the start with one line rather
 * than a process that runs but is never admitted.
 *
 * @throws ConfigError naming the variable and the file's problem.
 * @example
 * const { keys, certName } = readProxyKeys(config); // certName "mm1" for /etc/keys/mm1.key_secret
 */
export function readProxyKeys(config: TransportConfig): { keys: CurveClientKeys; certName: string } {
  const own = config.MISSIONCTL_CERT;
  const proxy = config.MISSIONCTL_PROXY_CERT;
  if (own === undefined || proxy === undefined) {
    // loadConfig refuses this combination already; a hand-made config may still carry it.
    throw new ConfigError(["MISSIONCTL_CERT and MISSIONCTL_PROXY_CERT are required in proxy mode"]);
  }
  const mine = certificate("MISSIONCTL_CERT", () => readSecretCertificate(own));
  const server = certificate("MISSIONCTL_PROXY_CERT", () => readCertificate(proxy));
  return {
    keys: { publicKey: mine.publicKey, secretKey: mine.secretKey, serverKey: server.publicKey },
    certName: basename(own).replace(/\.key_secret$/, ""),
  };
}

/**
 * The peers a bot must be able to hear over ipc: every process it may track (MISSIONCTL_MAX_PROCESSES
 * discovered, plus the configured ones, which always get a slot) and a few CLIs.
 *
 * @example
 * createTransport(config, id, logger, { maxPeers: botPeers(config) });
 */
export const botPeers = (config: Pick<Config, "MISSIONCTL_MAX_PROCESSES" | "MISSIONCTL_PROCESSES">): number =>
  config.MISSIONCTL_MAX_PROCESSES + config.MISSIONCTL_PROCESSES.length + 8;

/**
 * This process's transport: a {@link ProxyTransport} in proxy mode (certificates read now), else a
 * {@link ZmqTransport} under MISSIONCTL_IPC_DIR.
 *
 * @throws ConfigError when a certificate cannot be used.
 * @example
 * const ipc = new IpcCommandSystem({ transport: createTransport(processConfig(), "mm1", logger), logger });
 */
export function createTransport(
  config: TransportConfig,
  id: string,
  logger?: Logger,
  options: { clock?: Clock; maxPeers?: number } = {},
): Transport {
  const proxy = config.MISSIONCTL_PROXY;
  if (proxy === undefined) {
    try {
      return new ZmqTransport({
        id,
        ipcDir: config.MISSIONCTL_IPC_DIR,
        ...(logger ? { logger } : {}),
        ...(options.maxPeers !== undefined ? { maxPeers: options.maxPeers } : {}),
      });
    } catch (err) {
      // More processes than the machine lets one process hear: bad configuration, one line.
      if (err instanceof IpcError && err.code === "CAPACITY")
        throw new ConfigError([`MISSIONCTL_MAX_PROCESSES: ${err.message}`]);
      throw err;
    }
  }
  const { keys, certName } = readProxyKeys(config);
  return new ProxyTransport({
    id,
    proxy,
    curve: keys,
    certName,
    timings: {
      heartbeatMs: config.MISSIONCTL_LINK_HEARTBEAT_MS,
      timeoutMs: config.MISSIONCTL_LINK_TIMEOUT_MS,
      connectTimeoutMs: config.MISSIONCTL_CONNECT_TIMEOUT_MS,
    },
    ...(logger ? { logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
