/**
 * The one error base of missionctl: every typed error carries a literal `code` to switch on and its
 * `context` (the values that explain it), and names itself after its class through `name`.
 *
 * @example
 * class LockError extends MissionctlError<"LOCKED"> {
 *   override name = "LockError";
 * }
 * try { ... } catch (e) { if (e instanceof MissionctlError && e.code === "LOCKED") ... }
 */
export class MissionctlError<C extends string = string> extends Error {
  override name = "MissionctlError";
  constructor(
    readonly code: C,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A bad command line (`missionctl send`, `missionctl strategy`, ...): the CLI prints the message
 * with the command's usage and exits with code 2.
 *
 * @example
 * throw new UsageError('unexpected argument "extra"');
 */
export class UsageError extends MissionctlError<"USAGE"> {
  override name = "UsageError";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("USAGE", message, context);
  }
}
