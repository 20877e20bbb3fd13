import { MissionctlError } from "../errors.ts";

/** What went wrong: a bad mute target, a bad mute duration, a bad option at creation. */
export type MonitorErrorCode = "INVALID_TARGET" | "INVALID_DURATION" | "INVALID_OPTION";

/**
 * Typed errors of the monitor and the alert notifier. Each has a literal `code` to switch on.
 *
 * @example
 * try { monitor.mute("mm 1", 60_000); } catch (e) {
 *   if (e instanceof MonitorError && e.code === "INVALID_TARGET") reply("bad target");
 * }
 */
export class MonitorError<C extends MonitorErrorCode = MonitorErrorCode> extends MissionctlError<C> {
  override name = "MonitorError";
}
