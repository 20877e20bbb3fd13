/**
 * What every `missionctl <command>` does before its own work, said once: parse the arguments, print
 * the help, refuse bad usage, read the configuration, and map what the operator must fix to exit 2.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Config, ConfigError, processConfig } from "./config.ts";
import { UsageError } from "./errors.ts";

/** Options as node's parseArgs declares them: `{ as: { type: "string" } }`. */
export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** The option values node's parseArgs gives for `options`: each a string or a boolean, or absent. */
export type OptionValues<O extends OptionsConfig> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string;
};

/**
 * Parses `args` with node's parseArgs (strict, positionals allowed), `--help` / `-h` added: "help"
 * when asked for, else the option values and the positionals.
 *
 * @throws UsageError on an unknown option or an option without its value.
 * @example
 * parseOptions(["mm1", "--as", "tool"], { as: { type: "string" } });
 * // { values: { as: "tool" }, positionals: ["mm1"] }
 */
export function parseOptions<O extends OptionsConfig>(
  args: string[],
  options: O,
): "help" | { values: OptionValues<O>; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: "boolean", short: "h" } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) return "help";
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/**
 * The parser of a command that takes no arguments (`start`, `bot`, `demo`): "help" when `--help` or
 * `-h` is among them, wherever; any other argument is refused. Lenient parseArgs, so that an
 * unknown option is named as given rather than stopping the search for `--help`.
 *
 * @throws UsageError naming the first argument.
 * @example
 * noArguments(["--verbose"]); // throws 'unexpected argument "--verbose"'
 */
export function noArguments(args: string[]): "help" | undefined {
  const { values, tokens } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: { help: { type: "boolean", short: "h" } },
  });
  if (values.help === true) return "help";
  const first = tokens[0];
  if (first) throw new UsageError(`unexpected argument ${JSON.stringify(args[first.index])}`);
  return undefined;
}

/** What a command starts from once its preamble went through. */
export interface CommandStart<T> {
  args: T;
  config: Config;
}

/**
 * The preamble of `missionctl <name>`: `parse` the arguments ("help" prints `usage` on stdout, exit
 * 0; a {@link UsageError} prints `missionctl <name>: <message>` and `usage` on stderr, exit 2), then
 * read the configuration (a bad value prints `missionctl <name>: <problems>` on stderr, exit 2).
 * Returns the parsed arguments and the configuration, or the exit code to end with.
 *
 * @example
 * const start = commandPreamble("bot", BOT_USAGE, args, noArguments);
 * if (typeof start === "number") return start;
 * start.config.MISSIONCTL_ID; // "chatops"
 */
export function commandPreamble<T>(
  name: string,
  usage: string,
  args: string[],
  parse: (args: string[]) => T | "help",
): CommandStart<T> | number {
  let parsed: T | "help";
  try {
    parsed = parse(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`missionctl ${name}: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (parsed === "help") {
    console.log(usage);
    return 0;
  }
  try {
    return { args: parsed, config: processConfig() };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`missionctl ${name}: ${err.message}`);
    return 2;
  }
}

/**
 * The exit code for an error a command threw: 2 for what the operator must fix like a bad
 * configuration value (an IPC directory we may not trust), 1 for anything else.
 *
 * @example
 * process.exitCode = exitCodeOf(new IpcError("UNSAFE_IPC_DIR", "unsafe IPC directory /tmp/x")); // 2
 */
export function exitCodeOf(err: unknown): number {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === "UNSAFE_IPC_DIR" || code === "INVALID_CONFIG" || code === "USAGE" ? 2 : 1;
}
