/**
 * Building blocks for the commands' zod schemas over {@link CommandTokens}. Their problems are
 * catalog keys (src/i18n/arg-issue.ts): the user reads them under the usage line, in their language.
 */
import { z } from "zod";
import { argIssue } from "../i18n/arg-issue.ts";
import { COMMAND_TYPE_RE, isGroupTarget, TARGET_ID_RE } from "../ipc/ids.ts";

export { argIssue, relayIssue } from "../i18n/arg-issue.ts";

/** `mm1`, `*` or `mm*`. */
export const targetArg = z.string().superRefine((input, ctx) => {
  if (!TARGET_ID_RE.test(input)) ctx.addIssue(argIssue("notATarget", { input }));
});

export const commandTypeArg = z.string().superRefine((input, ctx) => {
  if (!COMMAND_TYPE_RE.test(input)) ctx.addIssue(argIssue("notACommandType", { input }));
});

/**
 * Flags a command accepts: `{ now: "boolean" }` allows `--now`; anything else is refused by name.
 *
 * @example
 * flagsArg({ now: "boolean" }).parse({ now: true }); // { now: true }
 */
export function flagsArg<const S extends Record<string, "boolean" | "string">>(spec: S) {
  return z.record(z.string(), z.union([z.string(), z.literal(true)])).superRefine((flags, ctx) => {
    for (const [name, value] of Object.entries(flags)) {
      const kind = spec[name];
      if (!kind) ctx.addIssue(argIssue("unknownOption", { name }));
      else if (kind === "boolean" && value !== true) ctx.addIssue(argIssue("takesNoValue", { name }));
      else if (kind === "string" && value === true) ctx.addIssue(argIssue("needsValue", { name }));
    }
  }) as unknown as z.ZodType<{ [K in keyof S]?: S[K] extends "boolean" ? true : string }>;
}

/**
 * Positional arguments: exactly `min..max` words, each checked by `item`; `names` is what is
 * missing, as the usage line calls it.
 *
 * @example
 * wordsArg(targetArg, 1, 50, "target"); // "missing target" when no word is given
 */
export function wordsArg<T>(item: z.ZodType<T, string>, min: number, max: number, names: string) {
  return z
    .array(z.string())
    .superRefine((words, ctx) => {
      if (words.length < min) ctx.addIssue(argIssue("missing", { names }));
      else if (words.length > max) ctx.addIssue(argIssue("tooMany", { extra: words.slice(max) }));
    })
    .pipe(z.array(item));
}

/** Tokens with no positional words and no flags. */
export const noArgs = z.object({
  args: wordsArg(z.string(), 0, 0, "nothing"),
  flags: flagsArg({}),
  text: z.string(),
});

/** True when a command with these targets reaches (or may reach) more than one process. */
export const reachesMany = (targets: readonly string[]): boolean =>
  targets.length > 1 || targets.some((t) => isGroupTarget(t));
