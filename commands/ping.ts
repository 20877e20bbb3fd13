import { z } from "zod";
import { flagsArg, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";

/** /ping <target>: asks processes whether they are alive; each answers with its state. */
export default defineCommand({
  name: "ping",
  help: "Ask processes whether they are alive",
  usage: "/ping <target>",
  role: "viewer",
  // Read-only: never asks for confirmation, even for `*`.
  confirm: () => false,
  schema: z
    .object({ args: wordsArg(targetArg, 1, 1, "target"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ target: t.args[0] as string })),
  targets: (a) => [a.target],
  handler: async (ctx, { target }) => {
    await ctx.track({
      verb: "ping",
      requests: [{ target, commandType: "ping" }],
      describe: (r) => (typeof r.result?.state === "string" ? r.result.state : undefined),
    });
  },
});
