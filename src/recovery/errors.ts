import { MissionctlError } from "../errors.ts";

/**
 * Inputs of a position sync that cannot be trusted (a bad line, an over-close, a baseline that does
 * not parse): the sync stops and nothing is written. `context` names the file and, when there is
 * one, the 1-based line, so an operator can open the file at the right place.
 *
 * @example
 * throw new SyncDataError("close larger than the lots it may take from", { file, line: 12 });
 */
export class SyncDataError extends MissionctlError<"SYNC_BAD_DATA"> {
  override name = "SyncDataError";
  constructor(message: string, context: { file: string; line?: number } & Record<string, unknown>) {
    const where = context.line === undefined ? context.file : `${context.file}:${context.line}`;
    super("SYNC_BAD_DATA", `${where}: ${message}`, context);
  }
}
