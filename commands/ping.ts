import { strategyCommand } from "../src/bot/strategy-command.ts";

/** /ping <target>: asks processes whether they are alive; each answers with its state. */
export default strategyCommand({
  name: "ping",
  help: "Ask processes whether they are alive",
  role: "viewer",
  group: "read",
  order: 40,
});
