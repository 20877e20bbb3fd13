import { strategyCommand } from "../src/bot/strategy-command.ts";

/** /resume <target>: the strategy's built-in `resume` command; replies with its new state. */
export default strategyCommand({
  name: "resume",
  help: "Start scheduling steps again",
  role: "operator",
  group: "control",
  order: 30,
});
