/**
 * A TCP relay in front of the proxy that can go silent without closing anything: what a cut cable
 * or a dropped firewall state looks like from both ends (no FIN, no RST, just no bytes). Only ZMTP
 * heartbeats see it.
 */
import { createServer, type Server, Socket } from "node:net";

export interface FreezeRelay {
  /** `tcp://127.0.0.1:Q`: Q relays to the proxy's PORT, Q + 1 to PORT + 1. */
  address: string;
  /** Stops moving bytes either way; every connection stays open. */
  freeze(): void;
  close(): Promise<void>;
}

function relay(targetPort: number, sockets: Set<Socket>, frozen: () => boolean): Server {
  return createServer((client) => {
    const upstream = new Socket();
    upstream.connect(targetPort, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (chunk) => {
        if (!frozen()) to.write(chunk);
      });
      // Frozen, a close on one side is not passed on either: the other end must find out itself.
      from.on("error", () => {
        if (!frozen()) to.destroy();
      });
      from.on("close", () => {
        if (!frozen()) to.destroy();
      });
    }
  });
}

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });

/**
 * Listens on a free Q / Q + 1 pair (random in 20000-60000, retried) relaying to `proxyPort` and
 * `proxyPort + 1`.
 *
 * @example
 * const r = await freezeRelay(7100); // a client given r.address reaches the proxy at 7100
 * r.freeze();
 */
export async function freezeRelay(proxyPort: number): Promise<FreezeRelay> {
  let frozen = false;
  const sockets = new Set<Socket>();
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const front = relay(proxyPort, sockets, () => frozen);
    const back = relay(proxyPort + 1, sockets, () => frozen);
    try {
      await listen(front, port);
      await listen(back, port + 1);
    } catch (err) {
      front.close();
      back.close();
      if (attempt > 20) throw err;
      continue;
    }
    return {
      address: `tcp://127.0.0.1:${port}`,
      freeze: () => {
        frozen = true;
      },
      close: async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([front, back].map((s) => new Promise((r) => s.close(() => r(undefined)))));
      },
    };
  }
}
