import { isIP } from "node:net";
import { IpcError } from "./errors.ts";

/**
 * Why a peer or bind address may not be used without the proxy's CURVE, or undefined when it may:
 * `ipc://…` (guarded by the directory's permissions) and `tcp://` on loopback only (127.0.0.0/8,
 * [::1]). A plain tcp socket on a network interface would let anyone who reaches it command the
 * strategies (docs/protocol.md); across hosts everything goes through the proxy with CURVE.
 *
 * @example
 * plainAddressProblem("tcp://127.0.0.1:7001"); // undefined
 * plainAddressProblem("tcp://0.0.0.0:7001");   // "tcp://0.0.0.0:7001 is not a loopback address; …"
 */
export function plainAddressProblem(address: string): string | undefined {
  if (address.startsWith("ipc://"))
    return address.length > "ipc://".length ? undefined : "ipc:// needs a path";
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(address);
  if (!tcp) return `${address} is not tcp://HOST:PORT or ipc://PATH`;
  const host = (tcp[1] as string).replace(/^\[|\]$/g, "");
  const port = Number(tcp[2]);
  if (port < 1 || port > 65_535) return `${address}: port ${port} is out of range`;
  const loopback = (isIP(host) === 4 && host.startsWith("127.")) || (isIP(host) === 6 && host === "::1");
  if (!loopback) {
    return `${address} is not a loopback address; plain tcp is refused on a network (use 127.0.0.1, or the proxy with CURVE across hosts)`;
  }
  return undefined;
}

/** Throws IpcError `INSECURE_ADDRESS` when {@link plainAddressProblem} finds one. */
export function assertPlainAddress(address: string): string {
  const problem = plainAddressProblem(address);
  if (problem) throw new IpcError("INSECURE_ADDRESS", problem, { address });
  return address;
}
