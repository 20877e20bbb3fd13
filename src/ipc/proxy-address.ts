import { proxyAddresses } from "../proxy/address.ts";
import { ProxyError } from "../proxy/errors.ts";
import { IpcError } from "./errors.ts";

/** The proxy's two sockets as a client connects to them. */
export interface ProxyEndpoints {
  /** `tcp://H:P`: the proxy's XSUB, where every process's publisher connects. */
  frontend: string;
  /** `tcp://H:P+1`: the proxy's XPUB, where every process's SUB connects. */
  backend: string;
}

/**
 * Why `address` cannot be MISSIONCTL_PROXY, or undefined when it can: `tcp://HOST:PORT` as the
 * proxy binds it (src/proxy/address.ts: PORT+1 is the backend), HOST something to connect to
 * rather than `*`. Unlike a plain peer address it may be off loopback: every socket towards the
 * proxy is CURVE.
 *
 * @example
 * proxyAddressProblem("tcp://proxy.lan:7000"); // undefined
 * proxyAddressProblem("tcp://proxy.lan:65535"); // "… PORT from 1 to 65534 (PORT + 1 is the backend)"
 */
export function proxyAddressProblem(address: string): string | undefined {
  try {
    const { host } = proxyAddresses(address);
    if (host === "*")
      return `${address}: "*" binds every interface; connect to the proxy's host name or address`;
    return undefined;
  } catch (err) {
    if (err instanceof ProxyError) return err.message;
    throw err;
  }
}

/**
 * The frontend and backend of the proxy at `address` (`tcp://H:P` → P and P+1).
 *
 * @throws IpcError `INVALID_ADDRESS` when {@link proxyAddressProblem} finds one.
 * @example
 * proxyEndpoints("tcp://10.0.0.5:7000"); // { frontend: "tcp://10.0.0.5:7000", backend: "tcp://10.0.0.5:7001" }
 */
export function proxyEndpoints(address: string): ProxyEndpoints {
  const problem = proxyAddressProblem(address);
  if (problem) throw new IpcError("INVALID_ADDRESS", problem, { address });
  const { frontend, backend } = proxyAddresses(address);
  return { frontend, backend };
}
