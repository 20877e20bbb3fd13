import { z } from "zod";
import { expandTargets, flagsArg, reachesMany, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";

/**
 * /exit <target…> [--now]: finish_and_exit (the step in progress finishes, the sleep ends at once),
 * or exit_now (the step is aborted).
 */
export default defineCommand({
  name: "exit",
  help: "Stop processes after their current step (--now: abort the step)",
  usage: "/exit <target…> [--now]",
  role: "operator",
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
    // Told first, so the monitor treats the coming disconnects as planned, not as crashes.
    const expected = expandTargets(ctx, targets);
    ctx.monitor.expectExit(expected);
    const commandType = now ? "exit_now" : "finish_and_exit";
    const { processes } = await ctx.track({
      verb: now ? "exit --now" : "exit",
      requests: targets.map((target) => ({ target, commandType })),
      describe: () => (now ? "exited, step aborted" : "exited after finishing its step"),
    });
    // A process that refused or never got the command is not exiting: were it to die now, that
    // must be an alert, not a planned stop. (`accepted` ones are still finishing their step.)
    const notExiting = expected.filter((id) => {
      const end = processes.get(id);
      return end === undefined || end === "error" || end === "not_connected" || end === "timeout";
    });
    if (notExiting.length > 0) ctx.monitor.cancelExpectedExit(notExiting);
  },
});
