/**
 * Building blocks for the commands' zod schemas over {@link CommandTokens}. Messages are written
 * for the chat: they are shown to the user under the usage line.
 */
import { z } from "zod";
import { COMMAND_TYPE_RE, isGroupTarget, TARGET_ID_RE } from "../ipc/ids.ts";

/** `mm1`, `*` or `mm*`. */
export const targetArg = z.string().regex(TARGET_ID_RE, {
  error: (iss) => `${JSON.stringify(iss.input)} is not a target: use a process id, * or prefix* (e.g. mm*)`,
});

export const commandTypeArg = z.string().regex(COMMAND_TYPE_RE, {
  error: (iss) => `${JSON.stringify(iss.input)} is not a command type (lower case, a-z 0-9 _, e.g. status)`,
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
      if (!kind) ctx.addIssue({ code: "custom", message: `unknown option --${name}` });
      else if (kind === "boolean" && value !== true)
        ctx.addIssue({ code: "custom", message: `--${name} takes no value` });
      else if (kind === "string" && value === true)
        ctx.addIssue({ code: "custom", message: `--${name} needs a value` });
    }
  }) as unknown as z.ZodType<{ [K in keyof S]?: S[K] extends "boolean" ? true : string }>;
}

/** Positional arguments: exactly `min..max` words, each checked by `item`. */
export function wordsArg<T>(item: z.ZodType<T, string>, min: number, max: number, names: string) {
  return z
    .array(z.string())
    .superRefine((words, ctx) => {
      if (words.length < min) ctx.addIssue({ code: "custom", message: `missing ${names}` });
      else if (words.length > max)
        ctx.addIssue({ code: "custom", message: `too many arguments: ${words.slice(max).join(" ")}` });
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
