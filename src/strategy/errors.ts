import { MissionctlError } from "../errors.ts";

/** What went wrong in the strategy runtime. */
export type StrategyErrorCode =
  /** A definition or option is invalid (bad id, negative interval, ...). */
  | "INVALID_OPTIONS"
  /** A custom handler tried to take a built-in command or event type. */
  | "RESERVED_COMMAND"
  /** pause / resume / wake arrived while the strategy is stopping. */
  | "STOPPING"
  /** The publisher could not be bound; the strategy never ran. */
  | "START_FAILED";

/**
 * Typed errors of the strategy runtime: a literal `code` to switch on, and the `context`.
 *
 * @example
 * try { runStrategy(def); } catch (e) { if (e instanceof StrategyError && e.code === "RESERVED_COMMAND") ... }
 */
export class StrategyError<C extends StrategyErrorCode = StrategyErrorCode> extends MissionctlError<C> {
  override name = "StrategyError";
}

/**
 * What an aborted wait rejects with: `name` is "AbortError" like the platform's, `code` is literal.
 *
 * @example
 * try { await ctx.delay(1000); } catch (e) { if (e instanceof StepAbortedError) return; throw e; }
 */
export class StepAbortedError extends MissionctlError<"ABORTED"> {
  override name = "AbortError";
  constructor(readonly reason?: unknown) {
    super("ABORTED", typeof reason === "string" ? `aborted: ${reason}` : "aborted", { reason });
  }
}

/** A bad command line for `missionctl strategy` (the one CLI usage error, kept here for importers). */
export { UsageError } from "../errors.ts";
