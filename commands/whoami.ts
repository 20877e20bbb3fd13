import { noArgs } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";

/** /whoami: the user's Telegram id and role (what an admin needs to add someone). */
export default defineCommand({
  name: "whoami",
  help: "Show your Telegram user id and role",
  usage: "/whoami",
  role: "viewer",
  group: "read",
  order: 20,
  schema: noArgs,
  handler: async (ctx) => {
    await ctx.reply(
      `You are ${ctx.user.name || "unnamed"}, Telegram user id ${ctx.user.id}, role ${ctx.role}.`,
    );
  },
});
