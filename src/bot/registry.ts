/**
 * Loads the chat commands from commands/ (one file each) and checks every definition, so a
 * malformed file (a help line missing a language included) stops the bot at start with a message
 * naming the file, not at the first use.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { MissionctlError } from "../errors.ts";
import { LANGS } from "../i18n/index.ts";
import type { CommandDefinition, HelpGroup } from "./types.ts";

/**
 * A command file (or a definition given in code) that cannot serve: the bot refuses to start.
 *
 * @example
 * new RegistryError("commands/ping.ts", ["role must be \"viewer\" or \"operator\""]).message;
 * // 'commands/ping.ts: role must be "viewer" or "operator"'
 */
export class RegistryError extends MissionctlError<"BAD_COMMAND_FILE"> {
  override name = "RegistryError";
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super("BAD_COMMAND_FILE", `${file}: ${problems.join("; ")}`, { file, problems });
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

/** `{ en: "…", zh: "…" }`: /help and the menu speak every language, so a help line missing one is refused. */
const helpSchema = z.unknown().superRefine((help, ctx) => {
  const shape = `{ ${LANGS.map((l) => `${l}: "…"`).join(", ")} }`;
  if (typeof help !== "object" || help === null) {
    ctx.addIssue({ code: "custom", message: `must give one line per language: ${shape}` });
    return;
  }
  for (const lang of LANGS) {
    const line = (help as Record<string, unknown>)[lang];
    if (line === undefined) ctx.addIssue({ code: "custom", message: `no ${lang} line (give ${shape})` });
    else if (typeof line !== "string" || line.length < 3 || line.length > 256)
      ctx.addIssue({ code: "custom", message: `the ${lang} line must be 3-256 characters` });
  }
});

const definitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { error: "name must be lower-case a-z, 0-9, _ (≤ 32)" }),
  help: helpSchema,
  usage: z.string().startsWith("/", { error: "usage must start with /" }),
  role: z.enum(["viewer", "operator"], { error: 'role must be "viewer" or "operator"' }),
  group: z
    .enum(["read", "control", "other"], { error: 'group must be "read", "control" or "other"' })
    .optional(),
  order: z.number({ error: "order must be a number" }).finite().optional(),
  confirm: fn.optional(),
  targets: fn.optional(),
  schema: z.custom((v) => typeof (v as { safeParse?: unknown })?.safeParse === "function", {
    error: "schema must be a zod schema",
  }),
  handler: fn,
});

const GROUPS: readonly HelpGroup[] = ["read", "control", "other"];
const rank = (c: CommandDefinition): [number, number] => [GROUPS.indexOf(c.group ?? "other"), c.order ?? 100];

/**
 * Builds a registry from loaded modules (where it came from → module), checking each default export.
 *
 * @example
 * const registry = buildRegistry([["commands/ping.ts", await import("../../commands/ping.ts")]]);
 */
export function buildRegistry(modules: [source: string, module: unknown][]): Registry {
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
  const list = [...byName.values()].sort((a, b) => {
    const [ga, oa] = rank(a);
    const [gb, ob] = rank(b);
    return ga - gb || oa - ob || a.name.localeCompare(b.name);
  });
  return { byName, list };
}

/** commands/ beside src/ (also right for the compiled dist/ layout). */
export const DEFAULT_COMMANDS_DIR = fileURLToPath(new URL("../../commands/", import.meta.url));

/**
 * Imports every command file in `dir`, adds the `extra` definitions (a bot built from the package
 * brings its own), and builds the registry; throws {@link RegistryError} for a malformed file or
 * definition, or a name defined twice.
 *
 * @example
 * const registry = await loadRegistry(DEFAULT_COMMANDS_DIR, [hello]);
 * registry.byName.get("exit")?.usage; // "/exit <target…> [--now]"
 */
export async function loadRegistry(
  dir = DEFAULT_COMMANDS_DIR,
  extra: readonly CommandDefinition[] = [],
): Promise<Registry> {
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"))
    .sort();
  const modules: [string, unknown][] = [];
  for (const file of files) {
    try {
      modules.push([`commands/${file}`, await import(pathToFileURL(`${dir}/${file}`).href)]);
    } catch (err) {
      throw new RegistryError(`commands/${file}`, [
        `cannot be loaded: ${err instanceof Error ? err.message : String(err)}`,
      ]);
    }
  }
  for (const [i, def] of extra.entries()) {
    modules.push([`commands option [${i}]${def?.name ? ` (/${def.name})` : ""}`, { default: def }]);
  }
  return buildRegistry(modules);
}
