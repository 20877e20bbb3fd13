import { noArgs } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { formatIncident, formatMute } from "../src/bot/views.ts";

/** /alerts: open incidents and active mutes. */
export default defineCommand({
  name: "alerts",
  help: "Show open incidents and active mutes",
  usage: "/alerts",
  role: "viewer",
  confirm: () => false,
  schema: noArgs,
  handler: async (ctx) => {
    const now = ctx.clock.now();
    const incidents = ctx.monitor.incidents();
    const mutes = ctx.monitor.mutes().filter((m) => m.until > now);
    const lines = [
      incidents.length ? `Open incidents (${incidents.length}):` : "No open incidents.",
      ...incidents.map((i) => formatIncident(i, now)),
      ...(mutes.length ? ["", `Mutes (${mutes.length}):`, ...mutes.map((m) => formatMute(m, now))] : []),
    ];
    await ctx.reply(lines.join("\n"));
  },
});
