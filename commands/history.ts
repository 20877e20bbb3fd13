import { z } from "zod";
import { argIssue, flagsArg, relayIssue, targetArg } from "../src/bot/args.ts";
import { formatHistoryEntry } from "../src/bot/history-view.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

const DEFAULT_COUNT = 10;
const MAX_COUNT = 100;

const countArg = z
  .string()
  .superRefine((input, ctx) => {
    if (!/^\d+$/.test(input)) ctx.addIssue(argIssue("notACount", { input }));
  })
  .transform(Number)
  .superRefine((n, ctx) => {
    if (!(n >= 1 && n <= MAX_COUNT)) ctx.addIssue(argIssue("countRange", { max: MAX_COUNT }));
  });

/** /history [target] [n]: the last chat commands, who sent them and how each process answered. */
export default defineCommand({
  name: "history",
  help: localized((t) => t.help.history),
  usage: "/history [target] [n]",
  role: "viewer",
  group: "read",
  order: 60,
  schema: z
    .object({ args: z.array(z.string()), flags: flagsArg({}), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length > 2) ctx.addIssue(argIssue("tooMany", { extra: t.args.slice(2) }));
    })
    .transform((t, ctx) => {
      // One word may be either: a number is the count, anything else the target.
      const [first, second] = t.args;
      const countWord = second ?? (first !== undefined && /^\d+$/.test(first) ? first : undefined);
      const targetWord = second !== undefined || countWord === undefined ? first : undefined;
      const target = targetWord === undefined ? undefined : targetArg.safeParse(targetWord);
      const count = countWord === undefined ? undefined : countArg.safeParse(countWord);
      for (const r of [target, count]) {
        if (r && !r.success) for (const issue of r.error.issues) ctx.addIssue(relayIssue(issue));
      }
      return {
        target: target?.success ? target.data : undefined,
        count: count?.success ? count.data : DEFAULT_COUNT,
      };
    }),
  targets: (a) => (a.target ? [a.target] : []),
  handler: async (ctx, { target, count }) => {
    const { t } = ctx;
    if (!ctx.history.kept) {
      await ctx.reply(t.commands.history.notKept);
      return;
    }
    const entries = ctx.history.recent(target, count);
    if (entries.length === 0) {
      await ctx.reply(t.commands.history.none({ target }));
      return;
    }
    const header = t.commands.history.header({ count: entries.length, target });
    await ctx.reply([header, ...entries.map((e) => formatHistoryEntry(e, t))].join("\n\n"));
  },
});
