import { MissionctlError } from "../errors.ts";

/**
 * Why the state database cannot serve: it is not a missionctl database (another program's SQLite
 * file, or not SQLite at all), it was written by a newer missionctl, it is older than a read-only
 * reader can use, it is damaged, or it cannot be opened (permissions, a directory in its place).
 */
export type StateErrorCode =
  | "NOT_MISSIONCTL_DB"
  | "CORRUPT"
  | "NEWER_SCHEMA"
  | "OLDER_SCHEMA"
  | "CANNOT_OPEN";

/**
 * A state database the bot refuses to start with. The message is the one line the operator reads.
 *
 * @example
 * try { openState("/var/lib/x.db"); } catch (e) {
 *   if (e instanceof StateError && e.code === "NOT_MISSIONCTL_DB") console.error(e.message);
 * }
 */
export class StateError<C extends StateErrorCode = StateErrorCode> extends MissionctlError<C> {
  override name = "StateError";
}
