import { z } from "zod";
import { argIssue, flagsArg, targetArg } from "../src/bot/args.ts";
import { parseDuration } from "../src/bot/format.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

const MAX_MUTE_MS = 30 * 86_400_000;

const durationArg = z.string().transform((input, ctx) => {
  const ms = parseDuration(input);
  if (ms === undefined) {
    ctx.addIssue(argIssue("notADuration", { input }));
    return z.NEVER;
  }
  if (ms > MAX_MUTE_MS) {
    ctx.addIssue(argIssue("muteTooLong", { max: "30d" }));
    return z.NEVER;
  }
  return ms;
});

/** /mute <target> <duration>: no alerts for the target until the time is up (incidents still open). */
export default defineCommand({
  name: "mute",
  help: localized((t) => t.help.mute),
  usage: "/mute <target> <duration>",
  role: "operator",
  group: "control",
  order: 60,
  schema: z
    .object({ args: z.array(z.string()), flags: flagsArg({}), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length < 2) ctx.addIssue(argIssue("missingTargetDuration"));
      else if (t.args.length > 2) ctx.addIssue(argIssue("tooMany", { extra: t.args.slice(2) }));
    })
    .pipe(
      z.object({
        args: z.tuple([targetArg, durationArg]),
        flags: z.record(z.string(), z.unknown()),
        text: z.string(),
      }),
    )
    .transform((t) => ({ target: t.args[0], durationMs: t.args[1] })),
  targets: (a) => [a.target],
  handler: async (ctx, { target, durationMs }) => {
    const mute = ctx.mutes.add(target, durationMs);
    await ctx.reply(ctx.t.commands.mute({ target, durationMs, until: mute.until }));
  },
});
