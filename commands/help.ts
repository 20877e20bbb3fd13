import { z } from "zod";
import { flagsArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";

/** /help [command]: the command list, generated from the registry (so it never goes stale). */
export default defineCommand({
  name: "help",
  help: "List the commands, or show one command's usage",
  usage: "/help [command]",
  role: "viewer",
  group: "read",
  order: 10,
  schema: z
    .object({ args: wordsArg(z.string(), 0, 1, "command"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ command: t.args[0]?.replace(/^\//, "").toLowerCase() })),
  handler: async (ctx, { command }) => {
    if (command) {
      const def = ctx.commands.find((c) => c.name === command);
      await ctx.reply(
        def
          ? `${def.usage}\n${def.help}${def.role === "operator" ? " (operator)" : ""}`
          : `Unknown command /${command}. Send /help for the list.`,
      );
      return;
    }
    const lines = ctx.commands.map((c) => {
      const mark = c.role === "operator" && ctx.role !== "operator" ? " (operator)" : "";
      return `${c.usage} — ${c.help}${mark}`;
    });
    await ctx.reply(
      [
        `missionctl commands (you are ${ctx.role === "operator" ? "an operator" : "a viewer"}):`,
        ...lines,
        "",
        "Targets: a process id, * (every process) or prefix* (e.g. mm*).",
        "Commands that reach several processes, --now and /send ask you to confirm first.",
      ].join("\n"),
    );
  },
});
