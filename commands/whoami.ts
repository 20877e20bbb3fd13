import { noArgs } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { localized } from "../src/i18n/index.ts";

/** /whoami: the user's Telegram id and role (what an admin needs to add someone). */
export default defineCommand({
  name: "whoami",
  help: localized((t) => t.help.whoami),
  usage: "/whoami",
  role: "viewer",
  group: "read",
  order: 20,
  schema: noArgs,
  handler: async (ctx) => {
    await ctx.reply(ctx.t.commands.whoami({ name: ctx.user.name, id: ctx.user.id, role: ctx.role }));
  },
});
