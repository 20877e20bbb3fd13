import { strategyCommand } from "../src/bot/strategy-command.ts";

/** /wake <target>: the strategy's built-in `wake` command; replies with its new state. */
export default strategyCommand({
  name: "wake",
  help: "End the current sleep: the next step starts now",
  role: "operator",
  group: "control",
  order: 40,
});
