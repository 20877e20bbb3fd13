import { MissionctlError } from "../errors.ts";

/** What stops a proxy from starting. */
export type ProxyErrorCode =
  /** `--bind` is not `tcp://HOST:PORT` with PORT + 1 ≤ 65535. */
  | "BAD_BIND"
  /** The allow directory is missing or not a directory. */
  | "BAD_ALLOW_DIR"
  /** Another ZAP handler is bound in this process: a second one would never be asked. */
  | "ZAP_IN_USE"
  /** PORT or PORT + 1 is taken. */
  | "ADDRESS_IN_USE";

/**
 * Why `missionctl proxy` (or {@link startProxy}) cannot start: a literal `code` and its context.
 *
 * @example
 * try { await startProxy(options); } catch (e) { if (e instanceof ProxyError && e.code === "ADDRESS_IN_USE") retry(); }
 */
export class ProxyError extends MissionctlError<ProxyErrorCode> {
  override name = "ProxyError";
}
