import { z } from "zod";
import { flagsArg, reachesMany, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

/**
 * /exit <target…> [--now]: finish_and_exit (the step in progress finishes, the sleep ends at once),
 * or exit_now (the step is aborted).
 */
export default defineCommand({
  name: "exit",
  help: localized((t) => t.help.exit),
  usage: "/exit <target…> [--now]",
  role: "operator",
  group: "control",
  order: 10,
  confirm: (a) => a.now || reachesMany(a.targets),
  schema: z
    .object({
      args: wordsArg(targetArg, 1, 50, "target"),
      flags: flagsArg({ now: "boolean" }),
      text: z.string(),
    })
    .transform((t) => ({ targets: [...new Set(t.args)], now: t.flags.now === true })),
  targets: (a) => a.targets,
  handler: async (ctx, { targets, now }) => {
    const commandType = now ? "exit_now" : "finish_and_exit";
    // `stops`: the coming disconnects are planned exits, not crashes (undone for any that refuse).
    await ctx.track({
      verb: now ? "exit --now" : "exit",
      requests: targets.map((target) => ({ target, commandType })),
      describe: () => (now ? ctx.t.commands.exit.aborted : ctx.t.commands.exit.finished),
      stops: true,
    });
  },
});
