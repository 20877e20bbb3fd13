import { strategyCommand } from "../src/bot/strategy-command.ts";
import { localized } from "../src/i18n/index.ts";

/** /resume <target>: the strategy's built-in `resume` command; replies with its new state. */
export default strategyCommand({
  name: "resume",
  help: localized((t) => t.help.resume),
  role: "operator",
  group: "control",
  order: 30,
});
