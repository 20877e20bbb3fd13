import { MissionctlError } from "../errors.ts";

/** What can stop the metrics server: its address is busy or unusable. */
export type MetricsErrorCode = "LISTEN";

/**
 * The metrics server could not listen on MISSIONCTL_METRICS (in use, not an address of this host,
 * not allowed): one line, and `missionctl bot` exits 2 as for any bad configuration value.
 *
 * @example
 * try { await startMetricsServer({ host, port, registry }); } catch (e) {
 *   if (e instanceof MetricsError && e.code === "LISTEN") console.error(e.message);
 * }
 */
export class MetricsError extends MissionctlError<MetricsErrorCode> {
  override name = "MetricsError";
}
