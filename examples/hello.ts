// A chat command of your own: pass it to createBotRuntime({ ..., commands: [hello] }).
import { defineCommand, noArgs } from "missionctl";

export default defineCommand({
  name: "hello",
  help: "Say hello, and how many processes are up", // one line, for /help and the menu
  usage: "/hello", // shown with what was wrong when the arguments fail the schema
  role: "viewer", // or "operator"
  schema: noArgs, // a zod schema over { args, flags, text } from the tokenizer
  handler: async (ctx) => {
    const up = ctx.monitor.processes().filter((p) => p.state === "up").length;
    await ctx.reply(`Hello, ${ctx.user.name}! ${up} processes are up.`);
  },
});
