/**
 * Typed errors of the strategy runtime. Each has a literal `code` to switch on.
 *
 * @example
 * try { runStrategy(def); } catch (e) { if (e instanceof StrategyError && e.code === "RESERVED_COMMAND") ... }
 */
export type StrategyErrorCode =
  /** A definition or option is invalid (bad id, negative interval, ...). */
  | "INVALID_OPTIONS"
  /** A custom handler tried to take a built-in command or event type. */
  | "RESERVED_COMMAND"
  /** pause / resume / wake arrived while the strategy is stopping. */
  | "STOPPING"
  /** The publisher could not be bound; the strategy never ran. */
  | "START_FAILED";

export class StrategyError<C extends StrategyErrorCode = StrategyErrorCode> extends Error {
  override name = "StrategyError";
  constructor(
    readonly code: C,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * What an aborted wait rejects with: `name` is "AbortError" like the platform's, `code` is literal.
 *
 * @example
 * try { await ctx.delay(1000); } catch (e) { if (e instanceof StepAbortedError) return; throw e; }
 */
export class StepAbortedError extends Error {
  override name = "AbortError";
  readonly code = "ABORTED" as const;
  constructor(readonly reason?: unknown) {
    super(typeof reason === "string" ? `aborted: ${reason}` : "aborted");
  }
}

/** A bad command line for `missionctl strategy`; the CLI prints it and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly code = "USAGE" as const;
}
