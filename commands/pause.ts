import { strategyCommand } from "../src/bot/strategy-command.ts";

/** /pause <target>: the strategy's built-in `pause` command; replies with its new state. */
export default strategyCommand({
  name: "pause",
  help: "Stop scheduling steps (heartbeats go on)",
  role: "operator",
  group: "control",
  order: 20,
});
