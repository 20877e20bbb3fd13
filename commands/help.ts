import { z } from "zod";
import { flagsArg, wordsArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

/**
 * /help [command]: the command list, generated from the registry (so it never goes stale), in the
 * asking user's language: each definition carries its help line in every language.
 */
export default defineCommand({
  name: "help",
  help: localized((t) => t.help.help),
  usage: "/help [command]",
  role: "viewer",
  group: "read",
  order: 10,
  schema: z
    .object({ args: wordsArg(z.string(), 0, 1, "command"), flags: flagsArg({}), text: z.string() })
    .transform((t) => ({ command: t.args[0]?.replace(/^\//, "").toLowerCase() })),
  handler: async (ctx, { command }) => {
    const { t, lang } = ctx;
    if (command) {
      const def = ctx.commands.find((c) => c.name === command);
      await ctx.reply(
        def
          ? t.commands.help.one({ usage: def.usage, help: def.help[lang], operator: def.role === "operator" })
          : t.bot.unknownCommand({ name: command }),
      );
      return;
    }
    const lines = ctx.commands.map((c) =>
      t.commands.help.line({
        usage: c.usage,
        help: c.help[lang],
        operatorOnly: c.role === "operator" && ctx.role !== "operator",
      }),
    );
    await ctx.reply(
      [
        t.commands.help.header({ operator: ctx.role === "operator" }),
        ...lines,
        "",
        t.commands.help.footer,
      ].join("\n"),
    );
  },
});
