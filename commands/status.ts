import { z } from "zod";
import { flagsArg, targetArg, wordsArg } from "../src/bot/args.ts";
import { renderProcessList } from "../src/bot/status-view.ts";
import { defineCommand } from "../src/bot/types.ts";
import { formatStatusResult } from "../src/bot/views.ts";
import { localized } from "../src/i18n/index.ts";
import { targetMatches } from "../src/ipc/ids.ts";

/**
 * /status [target]: every known process from the monitor; with a target, also its own `status`.
 * Past one message's worth of processes, a summary instead (counts, unhealthy first), and the
 * processes are not asked one by one: the target has to be narrowed for that.
 */
export default defineCommand({
  name: "status",
  help: localized((t) => t.help.status),
  usage: "/status [target]",
  role: "viewer",
  group: "read",
  order: 30,
  schema: z
    .object({ args: wordsArg(targetArg, 0, 1, "target"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ target: t.args[0] })),
  targets: (a) => (a.target ? [a.target] : []),
  handler: async (ctx, { target }) => {
    const { t } = ctx;
    const now = ctx.clock.now();
    const all = ctx.monitor.processes();
    const shown = target ? all.filter((p) => targetMatches(target, p.id)) : all;
    const listing = shown.length ? renderProcessList(shown, now, target, { t }) : undefined;
    if (!target) {
      await ctx.reply(
        `${listing?.text ?? t.commands.status.none}\n${t.commands.status.layout({ layout: ctx.layout })}`,
      );
      return;
    }
    const view = listing?.text ?? t.commands.status.unknown({ target });
    if (listing?.summarized) {
      await ctx.reply(`${view}\n${t.commands.status.tooMany}`);
      return;
    }
    await ctx.track({
      verb: "status",
      preamble: `${view}\n`,
      requests: [{ target, commandType: "status" }],
      describe: (r) => formatStatusResult(r.result, ctx.clock.now(), t),
    });
  },
});
