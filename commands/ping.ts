import { strategyCommand } from "../src/bot/strategy-command.ts";
import { localized } from "../src/i18n/index.ts";

/** /ping <target>: asks processes whether they are alive; each answers with its state. */
export default strategyCommand({
  name: "ping",
  help: localized((t) => t.help.ping),
  role: "viewer",
  group: "read",
  order: 40,
});
