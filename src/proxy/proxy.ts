/**
 * `missionctl proxy` as a library: an XSUB at PORT and an XPUB at PORT + 1, CURVE servers that
 * admit only the keys of an allow directory, joined by zeromq's native `Proxy`; and the proxy's own
 * process on the bus, publishing heartbeats and answering ping and status (docs/protocol.md,
 * several hosts).
 */
import { XPublisher, XSubscriber, Proxy as ZmqProxy } from "zeromq";
import { type Clock, systemClock } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { assertProcessId } from "../ipc/ids.ts";
import { type Logger, silentLogger } from "../log.ts";
import { Heartbeat } from "../strategy/heartbeat.ts";
import { proxyAddresses } from "./address.ts";
import { AllowList, type AllowListChange, logAllowListChange } from "./allow-list.ts";
import { type Certificate, readSecretCertificate } from "./certs.ts";
import { ProxyError } from "./errors.ts";
import { InprocLinkTransport } from "./inproc-link.ts";
import { RefusalLog } from "./refusal-log.ts";
import { watchDir } from "./watch-dir.ts";
import { ZAP_DOMAIN, ZapHandler } from "./zap.ts";

export interface ProxyOptions {
  /** `tcp://HOST:PORT`: the frontend binds PORT, the backend PORT + 1. */
  bind: string;
  /** The proxy's secret certificate: a `*.key_secret` path, or its keys. */
  cert: string | Required<Certificate>;
  /** The directory whose `*.key` files list the client keys admitted. */
  allowDir: string;
  /** The proxy's process id on the bus (default `proxy`). */
  id?: string;
  /** Interval of the proxy's own `heartbeat` events (default 5000 ms). */
  heartbeatMs?: number;
  /** ZMTP heartbeats on both sockets, so a vanished host is cut (default 1000 / 3000 ms). */
  linkHeartbeat?: { intervalMs: number; timeoutMs: number };
  /** Reload when a file of `allowDir` changes (default true, 200 ms after the last change). */
  watch?: boolean;
  logger?: Logger;
  clock?: Clock;
}

/** A running proxy. */
export interface ProxyHandle {
  readonly id: string;
  /** `tcp://HOST:PORT`, where publishers connect. */
  readonly frontend: string;
  /** `tcp://HOST:PORT+1`, where subscribers connect. */
  readonly backend: string;
  /** The proxy's public key (Z85): clients set it as `curveServerKey`. */
  readonly publicKey: string;
  /** The proxy's own process on the bus (presence through the proxy, its handlers). */
  readonly ipc: IpcCommandSystem;
  readonly zap: ZapHandler;
  readonly refusals: RefusalLog;
  /** Re-reads the allow directory now (what SIGHUP does); logged, and returned. */
  reload(): AllowListChange;
  /** Publishes `stopped`, stops the proxy and its handler. Idempotent. */
  close(reason?: string): Promise<void>;
  /** Settles when the proxy has stopped: after close(), or on its own (a rejection). */
  readonly done: Promise<void>;
}

let instances = 0;

/**
 * Starts a proxy. The ZAP handler is bound before either CURVE socket, and every socket option is
 * set in the constructors: an option set after bind (curveServer included) does not hold for the
 * connections already possible, and a plaintext peer got in that way.
 *
 * @throws ProxyError (`BAD_BIND`, `BAD_ALLOW_DIR`, `ZAP_IN_USE`, `ADDRESS_IN_USE`), CertError.
 * @example
 * const proxy = await startProxy({ bind: "tcp://0.0.0.0:7100", cert: "proxy.key_secret", allowDir: "allow", logger });
 * process.on("SIGHUP", () => proxy.reload());
 * await proxy.close();
 */
export async function startProxy(options: ProxyOptions): Promise<ProxyHandle> {
  const { frontend, backend } = proxyAddresses(options.bind);
  const id = assertProcessId(options.id ?? "proxy");
  const cert = typeof options.cert === "string" ? readSecretCertificate(options.cert) : options.cert;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger).child({ module: "proxy" });
  const link = options.linkHeartbeat ?? { intervalMs: 1000, timeoutMs: 3000 };
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.HEARTBEAT_INTERVAL_MS;

  const allow = new AllowList(options.allowDir);
  logAllowListChange(log, allow.reload());
  const refusals = new RefusalLog(log, clock);
  const zap = new ZapHandler(allow, refusals, log);
  await zap.start();

  const secure = {
    curveServer: true,
    curveSecretKey: cert.secretKey,
    zapDomain: ZAP_DOMAIN,
    zapEnforceDomain: true,
    heartbeatInterval: link.intervalMs,
    heartbeatTimeout: link.timeoutMs,
    // Queued frames get a moment to leave when the proxy closes (a last `stopped`).
    linger: 200,
  };
  const front = new XSubscriber({ ...secure, receiveHighWaterMark: 100_000 });
  // Not verbose: libzmq's XSUB forwards every subscribe but only a topic's last unsubscribe, so a
  // verbose XPUB would show publishers two `mm1.` subscribes and one unsubscribe when two mm1
  // sockets overlap, and mm1 would never leave. Unique subscribes and unsubscribes stay paired.
  const back = new XPublisher({ ...secure, sendHighWaterMark: 100_000 });
  const n = ++instances;
  const inproc = {
    frontend: `inproc://missionctl-proxy-${n}-front`,
    backend: `inproc://missionctl-proxy-${n}-back`,
  };
  try {
    await bindOrExplain(front, frontend);
    await bindOrExplain(back, backend);
    await front.bind(inproc.frontend);
    await back.bind(inproc.backend);
  } catch (err) {
    front.close();
    back.close();
    await zap.close();
    throw err;
  }
  const proxy = new ZmqProxy(front, back);
  const running = proxy.run();

  const startedAt = clock.now();
  const uptimeS = () => Math.floor((clock.now() - startedAt) / 1000);
  const ipc = new IpcCommandSystem({
    transport: new InprocLinkTransport({ id, ...inproc, logger: log }),
    logger: log,
    clock,
  });
  ipc.registerHandler("ping", () => ({ state: "running" }));
  ipc.registerHandler("status", () => ({
    state: "running",
    uptime_s: uptimeS(),
    pid: process.pid,
    allowed_keys: allow.size,
    refused: refusals.total,
    present: ipc.presence.ids().length,
  }));
  // The proxy is present like any process, so `/exit *` or `/pause mm*`-style group commands expect
  // its answer too: it says plainly that it is no strategy instead of leaving the sender to time out.
  for (const type of ["finish_and_exit", "exit_now", "pause", "resume", "wake"]) {
    ipc.registerHandler(type, () => {
      throw new Error(
        `${id} is the proxy, not a strategy: ${type} does not apply (stop its service to stop it)`,
      );
    });
  }
  await ipc.start();
  const heartbeat = new Heartbeat({
    clock,
    intervalMs: heartbeatMs,
    snapshot: () => ({ state: "running", pid: process.pid, uptime_s: uptimeS() }),
    publish: (payload) => ipc.broadcast("heartbeat", payload),
    log,
  });
  heartbeat.start();

  const reload = (): AllowListChange => {
    const change = allow.reload();
    logAllowListChange(log, change);
    return change;
  };
  const watcher = options.watch === false ? undefined : watchDir(options.allowDir, reload, { clock, log });
  log.info({ id, frontend, backend, publicKey: cert.publicKey, keys: allow.size }, "proxy running");

  let closing: Promise<void> | undefined;
  /** Stops everything once; `announce` publishes `stopped` first (pointless once the loop is dead). */
  const shutdown = (reason: string, announce: boolean): Promise<void> => {
    closing ??= (async () => {
      watcher?.close();
      heartbeat.stop();
      if (announce) {
        await ipc
          .sendCommand("*", "stopped", { reason, exit_code: 0 })
          .catch((err) => log.warn({ err }, "stopped not sent"));
      }
      await ipc.stop({ lingerMs: 200 });
      try {
        proxy.terminate();
      } catch {
        // the loop already ended: nothing to terminate
      }
      await running.catch(() => {}); // a failed loop is logged where `done` sees it
      await zap.close();
      refusals.close();
      log.info({ reason }, "proxy stopped");
    })();
    return closing;
  };
  const done = running.then(
    () => closing ?? shutdown("proxy loop ended", false),
    async (err) => {
      log.fatal({ err }, "proxy loop failed");
      await shutdown("crash", false);
      throw err;
    },
  );
  done.catch(() => {}); // the caller may not watch `done`; the failure is logged above

  return {
    id,
    frontend,
    backend,
    publicKey: cert.publicKey,
    ipc,
    zap,
    refusals,
    reload,
    close: (reason = "stop") => shutdown(reason, true),
    done,
  };
}

/** Binds, turning EADDRINUSE into a ProxyError that names the address. */
async function bindOrExplain(socket: XSubscriber | XPublisher, address: string): Promise<void> {
  try {
    await socket.bind(address);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ProxyError(
      code === "EADDRINUSE" ? "ADDRESS_IN_USE" : "BAD_BIND",
      `cannot bind ${address}: ${(err as Error).message}`,
      { address },
      { cause: err },
    );
  }
}
