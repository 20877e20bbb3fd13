import { z } from "zod";
import { flagsArg, targetArg } from "../src/bot/args.ts";
import { formatHistoryEntry } from "../src/bot/history-view.ts";
import { defineCommand } from "../src/bot/types.ts";

const DEFAULT_COUNT = 10;
const MAX_COUNT = 100;

const countArg = z
  .string()
  .regex(/^\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a count` })
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_COUNT, { error: `the count is 1 to ${MAX_COUNT}` });

/** /history [target] [n]: the last chat commands, who sent them and how each process answered. */
export default defineCommand({
  name: "history",
  help: "Show the last commands: who sent what, and each process's outcome",
  usage: "/history [target] [n]",
  role: "viewer",
  group: "read",
  order: 60,
  schema: z
    .object({ args: z.array(z.string()), flags: flagsArg({}), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length > 2)
        ctx.addIssue({ code: "custom", message: `too many arguments: ${t.args.slice(2).join(" ")}` });
    })
    .transform((t, ctx) => {
      // One word may be either: a number is the count, anything else the target.
      const [first, second] = t.args;
      const countWord = second ?? (first !== undefined && /^\d+$/.test(first) ? first : undefined);
      const targetWord = second !== undefined || countWord === undefined ? first : undefined;
      const target = targetWord === undefined ? undefined : targetArg.safeParse(targetWord);
      const count = countWord === undefined ? undefined : countArg.safeParse(countWord);
      for (const r of [target, count]) {
        if (r && !r.success)
          for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
      }
      return {
        target: target?.success ? target.data : undefined,
        count: count?.success ? count.data : DEFAULT_COUNT,
      };
    }),
  targets: (a) => (a.target ? [a.target] : []),
  handler: async (ctx, { target, count }) => {
    if (!ctx.history.kept) {
      await ctx.reply("No history: this bot runs without a state database (MISSIONCTL_STATE).");
      return;
    }
    const entries = ctx.history.recent(target, count);
    const about = target ? ` for ${target}` : "";
    if (entries.length === 0) {
      await ctx.reply(`No commands${about} yet.`);
      return;
    }
    const header = `Last ${entries.length} command${entries.length === 1 ? "" : "s"}${about}, oldest first:`;
    await ctx.reply([header, ...entries.map(formatHistoryEntry)].join("\n\n"));
  },
});
