// A chat command of your own: pass it to createBotRuntime({ ..., commands: [hello] }).
import { defineCommand, noArgs } from "missionctl";

export default defineCommand({
  name: "hello",
  // One line per language, for /help and the menu (a language missing is refused at start).
  help: { en: "Say hello, and how many processes are up", zh: "打个招呼，并说说有几个进程在运行" },
  usage: "/hello", // shown with what was wrong when the arguments fail the schema
  role: "viewer", // or "operator"
  schema: noArgs, // a zod schema over { args, flags, text } from the tokenizer
  handler: async (ctx) => {
    const up = ctx.monitor.processes().filter((p) => p.state === "up").length;
    // ctx.lang is the user's language ("en" or "zh"); ctx.t has the bot's own texts in it.
    await ctx.reply(
      ctx.lang === "zh"
        ? `你好，${ctx.user.name}！有 ${up} 个进程在运行。`
        : `Hello, ${ctx.user.name}! ${up} processes are up.`,
    );
  },
});
