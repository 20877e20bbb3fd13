import { z } from "zod";
import { flagsArg, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

/** /unmute <target>: removes the mutes set for exactly this target. */
export default defineCommand({
  name: "unmute",
  help: localized((t) => t.help.unmute),
  usage: "/unmute <target>",
  role: "operator",
  group: "control",
  order: 70,
  schema: z
    .object({ args: wordsArg(targetArg, 1, 1, "target"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ target: t.args[0] as string })),
  targets: (a) => [a.target],
  handler: async (ctx, { target }) => {
    const removed = ctx.mutes.remove(target);
    const { unmute } = ctx.t.commands;
    await ctx.reply(removed > 0 ? unmute.done({ target }) : unmute.notMuted({ target }));
  },
});
