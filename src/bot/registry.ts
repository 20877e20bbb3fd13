/**
 * Loads the chat commands from commands/ (one file each) and checks every definition, so a
 * malformed file stops the bot at start with a message naming the file, not at the first use.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import type { CommandDefinition } from "./types.ts";

export class RegistryError extends Error {
  override name = "RegistryError";
  readonly code = "BAD_COMMAND_FILE" as const;
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`commands/${file}: ${problems.join("; ")}`);
  }
}

/** Commands by name, in /help order. */
export interface Registry {
  readonly byName: ReadonlyMap<string, CommandDefinition>;
  readonly list: readonly CommandDefinition[];
}

const fn = z.custom<(...a: never[]) => unknown>((v) => typeof v === "function", {
  error: "must be a function",
});

const definitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { error: "name must be lower-case a-z, 0-9, _ (≤ 32)" }),
  help: z.string().min(3, { error: "help must be 3-256 characters" }).max(256),
  usage: z.string().startsWith("/", { error: "usage must start with /" }),
  role: z.enum(["viewer", "operator"], { error: 'role must be "viewer" or "operator"' }),
  confirm: fn,
  schema: z.custom((v) => typeof (v as { safeParse?: unknown })?.safeParse === "function", {
    error: "schema must be a zod schema",
  }),
  handler: fn,
});

/** The order /help lists commands in; others follow alphabetically. */
const HELP_ORDER = [
  "help",
  "whoami",
  "status",
  "ping",
  "alerts",
  "exit",
  "pause",
  "resume",
  "wake",
  "send",
  "mute",
  "unmute",
];

/**
 * Builds a registry from loaded modules (file name → module), checking each default export.
 *
 * @example
 * const registry = buildRegistry([["ping.ts", await import("../../commands/ping.ts")]]);
 */
export function buildRegistry(modules: [file: string, module: unknown][]): Registry {
  const byName = new Map<string, CommandDefinition>();
  for (const [file, mod] of modules) {
    const definition = (mod as { default?: unknown })?.default;
    if (definition === undefined)
      throw new RegistryError(file, ["no default export (export default defineCommand(…))"]);
    const checked = definitionSchema.safeParse(definition);
    if (!checked.success) {
      throw new RegistryError(
        file,
        checked.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)),
      );
    }
    const def = definition as CommandDefinition;
    if (!def.usage.startsWith(`/${def.name}`)) {
      throw new RegistryError(file, [`usage must start with /${def.name}`]);
    }
    if (byName.has(def.name)) throw new RegistryError(file, [`command /${def.name} is defined twice`]);
    byName.set(def.name, def);
  }
  const rank = (n: string) => (HELP_ORDER.includes(n) ? HELP_ORDER.indexOf(n) : HELP_ORDER.length);
  const list = [...byName.values()].sort(
    (a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name),
  );
  return { byName, list };
}

/** commands/ beside src/ (also right for the compiled dist/ layout). */
export const DEFAULT_COMMANDS_DIR = fileURLToPath(new URL("../../commands/", import.meta.url));

/**
 * Imports every command file in `dir` and builds the registry; throws {@link RegistryError} for a
 * malformed file.
 *
 * @example
 * const registry = await loadRegistry();
 * registry.byName.get("exit")?.usage; // "/exit <target…> [--now]"
 */
export async function loadRegistry(dir = DEFAULT_COMMANDS_DIR): Promise<Registry> {
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"))
    .sort();
  const modules: [string, unknown][] = [];
  for (const file of files) {
    try {
      modules.push([file, await import(pathToFileURL(`${dir}/${file}`).href)]);
    } catch (err) {
      throw new RegistryError(file, [
        `cannot be loaded: ${err instanceof Error ? err.message : String(err)}`,
      ]);
    }
  }
  return buildRegistry(modules);
}
