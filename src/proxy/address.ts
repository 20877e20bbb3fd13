/**
 * The proxy's one well-known address `tcp://HOST:PORT` (docs/protocol.md, several hosts): the
 * frontend (XSUB, where publishers connect) is PORT, the backend (XPUB, where subscribers connect)
 * PORT + 1.
 */
import { ProxyError } from "./errors.ts";

/** The two endpoints one `tcp://HOST:PORT` names. */
export interface ProxyAddresses {
  host: string;
  port: number;
  /** `tcp://HOST:PORT`: publishers connect here. */
  frontend: string;
  /** `tcp://HOST:PORT+1`: subscribers connect here. */
  backend: string;
}

// HOST: a name, an IPv4 address, `*`, or a bracketed IPv6 address; no path, no user, no query.
const TCP_ADDRESS = /^tcp:\/\/(\*|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Parses `tcp://HOST:PORT` into the frontend and backend addresses.
 *
 * @throws ProxyError `BAD_BIND` for anything else, a port 0, or a PORT + 1 above 65535.
 * @example
 * proxyAddresses("tcp://10.0.0.5:7100");
 * // { host: "10.0.0.5", port: 7100, frontend: "tcp://10.0.0.5:7100", backend: "tcp://10.0.0.5:7101" }
 */
export function proxyAddresses(address: string): ProxyAddresses {
  const m = TCP_ADDRESS.exec(address);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port < 1 || port + 1 > 65_535) {
    throw new ProxyError(
      "BAD_BIND",
      `${JSON.stringify(address)} is not tcp://HOST:PORT with PORT from 1 to 65534 (PORT + 1 is the backend)`,
      { address },
    );
  }
  const host = m[1] as string;
  return { host, port, frontend: `tcp://${host}:${port}`, backend: `tcp://${host}:${port + 1}` };
}
