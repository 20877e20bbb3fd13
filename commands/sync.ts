import { z } from "zod";
import { argIssue, flagsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

const processArg = z.string().superRefine((s, ctx) => {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(s)) ctx.addIssue(argIssue("notAProcessId"));
});

/**
 * /sync <process> [--overwrite]: position sync of a crashed strategy (docs/position-sync.md). Its
 * own Apply button is the confirmation, so the generic one is off.
 */
export default defineCommand({
  name: "sync",
  help: localized((t) => t.help.sync),
  usage: "/sync <process> [--overwrite]",
  role: "operator",
  group: "control",
  order: 90,
  confirm: () => false,
  schema: z
    .object({ args: z.array(z.string()), flags: flagsArg({ overwrite: "boolean" }), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length !== 1) ctx.addIssue(argIssue("oneProcess"));
    })
    .transform((t) => ({ process: t.args[0] ?? "", overwrite: t.flags.overwrite === true }))
    .pipe(z.object({ process: processArg, overwrite: z.boolean() })),
  targets: (a) => [a.process],
  handler: async (ctx, { process, overwrite }) => {
    const r = await ctx.sync.run(process, { overwrite });
    ctx.record({ targets: [process], outcome: r.outcome, detail: r.detail });
  },
});
