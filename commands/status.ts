import { z } from "zod";
import { flagsArg, targetArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { formatProcess, formatStatusResult } from "../src/bot/views.ts";
import { targetMatches } from "../src/ipc/ids.ts";

/** /status [target]: every known process from the monitor; with a target, also its own `status`. */
export default defineCommand({
  name: "status",
  help: "Show every known process; with a target, also ask it for its status",
  usage: "/status [target]",
  role: "viewer",
  confirm: () => false,
  schema: z
    .object({ args: wordsArg(targetArg, 0, 1, "target"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ target: t.args[0] })),
  targets: (a) => (a.target ? [a.target] : []),
  handler: async (ctx, { target }) => {
    const now = ctx.clock.now();
    const all = ctx.monitor.processes();
    const shown = target ? all.filter((p) => targetMatches(target, p.id)) : all;
    const view = shown.length
      ? shown.map((p) => formatProcess(p, now)).join("\n")
      : target
        ? `${target}: not known to the monitor`
        : "No processes known yet.";
    if (!target) {
      await ctx.reply(`Processes (${all.length}):\n${view}`.replace(/^Processes \(0\):\n/, ""));
      return;
    }
    await ctx.track({
      verb: "status",
      preamble: `${view}\n`,
      requests: [{ target, commandType: "status" }],
      describe: (r) => formatStatusResult(r.result, ctx.clock.now()),
    });
  },
});
