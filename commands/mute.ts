import { z } from "zod";
import { flagsArg, targetArg } from "../src/bot/args.ts";
import { formatClockTime, formatDuration, parseDuration } from "../src/bot/format.ts";
import { defineCommand } from "../src/bot/types.ts";

const MAX_MUTE_MS = 30 * 86_400_000;

const durationArg = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(text)} is not a duration: use e.g. 30m, 2h, 1d`,
    });
    return z.NEVER;
  }
  if (ms > MAX_MUTE_MS) {
    ctx.addIssue({ code: "custom", message: "a mute lasts at most 30d" });
    return z.NEVER;
  }
  return ms;
});

/** /mute <target> <duration>: no alerts for the target until the time is up (incidents still open). */
export default defineCommand({
  name: "mute",
  help: "Mute alerts for a target for a while (30m, 2h, 1d)",
  usage: "/mute <target> <duration>",
  role: "operator",
  group: "control",
  order: 60,
  schema: z
    .object({ args: z.array(z.string()), flags: flagsArg({}), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length < 2) ctx.addIssue({ code: "custom", message: "missing <target> or <duration>" });
      else if (t.args.length > 2)
        ctx.addIssue({ code: "custom", message: `too many arguments: ${t.args.slice(2).join(" ")}` });
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
    await ctx.reply(
      `Alerts for ${target} are muted for ${formatDuration(durationMs)}, until ${formatClockTime(mute.until)}.`,
    );
  },
});
