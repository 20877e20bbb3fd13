import { strategyCommand } from "../src/bot/strategy-command.ts";
import { localized } from "../src/i18n/index.ts";

/** /pause <target>: the strategy's built-in `pause` command; replies with its new state. */
export default strategyCommand({
  name: "pause",
  help: localized((t) => t.help.pause),
  role: "operator",
  group: "control",
  order: 20,
});
