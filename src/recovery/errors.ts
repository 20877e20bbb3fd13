import { MissionctlError } from "../errors.ts";
import { inEnglish, type SyncMsg, type SyncMsgKey, type SyncMsgParams } from "./messages.ts";

/** The sync texts that say where in which file: the ones a data problem can be told with. */
type WhereKey = {
  [K in SyncMsgKey]: SyncMsgParams<K> extends { where: string } ? K : never;
}[SyncMsgKey];

/**
 * A data problem the catalogs have their own text for; its `where` comes from the error's context.
 *
 * @example
 * const p: DataProblem = { key: "noSession", params: { session: "9f1c" } };
 */
export type DataProblem = {
  [K in WhereKey]: { key: K; params: Omit<SyncMsgParams<K>, "where"> };
}[WhereKey];

/**
 * Inputs of a position sync that cannot be trusted (a bad line, an over-close, a baseline that does
 * not parse): the sync stops and nothing is written. `context` names the file and, when there is
 * one, the 1-based line, so an operator can open the file at the right place. A problem given as a
 * string is a check's own English (it names a format field or quotes the bad value) and stays
 * English inside a localized sentence; a {@link DataProblem} is said in the reader's language.
 *
 * @example
 * throw new SyncDataError("trade_id missing", { file, line: 12 });
 * throw new SyncDataError({ key: "noSessionsFile", params: {} }, { file });
 */
export class SyncDataError extends MissionctlError<"SYNC_BAD_DATA"> {
  override name = "SyncDataError";
  /** What went wrong, `where` included, for the chat to say in its user's language. */
  readonly msg: SyncMsg;
  constructor(
    problem: string | DataProblem,
    context: { file: string; line?: number } & Record<string, unknown>,
  ) {
    const where = context.line === undefined ? context.file : `${context.file}:${context.line}`;
    const msg = (
      typeof problem === "string"
        ? { key: "badData", params: { where, detail: problem } }
        : { key: problem.key, params: { ...problem.params, where } }
    ) as SyncMsg;
    super("SYNC_BAD_DATA", inEnglish(msg), context);
    this.msg = msg;
  }
}
