import { z } from "zod";
import { flagsArg, reachesMany, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";

/** /wake <target>: the strategy's built-in `wake` command (DESIGN §4); replies with its new state. */
export default defineCommand({
  name: "wake",
  help: "End the current sleep: the next step starts now",
  usage: "/wake <target>",
  role: "operator",
  confirm: (a) => reachesMany([a.target]),
  schema: z
    .object({ args: wordsArg(targetArg, 1, 1, "target"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ target: t.args[0] as string })),
  targets: (a) => [a.target],
  handler: async (ctx, { target }) => {
    await ctx.track({
      verb: "wake",
      requests: [{ target, commandType: "wake" }],
      describe: (r) => (typeof r.result?.state === "string" ? r.result.state : undefined),
    });
  },
});
