import { strategyCommand } from "../src/bot/strategy-command.ts";
import { localized } from "../src/i18n/index.ts";

/** /wake <target>: the strategy's built-in `wake` command; replies with its new state. */
export default strategyCommand({
  name: "wake",
  help: localized((t) => t.help.wake),
  role: "operator",
  group: "control",
  order: 40,
});
