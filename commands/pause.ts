import { strategyCommand } from "../src/bot/strategy-command.ts";

/** /pause <target>: the strategy's built-in `pause` command (DESIGN §4); replies with its new state. */
export default strategyCommand({
  name: "pause",
  help: "Stop scheduling steps (heartbeats go on)",
  role: "operator",
});
