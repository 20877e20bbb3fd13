import { noArgs } from "../src/bot/args.ts";
import { TELEGRAM_TEXT_LIMIT } from "../src/bot/format.ts";
import { defineCommand } from "../src/bot/types.ts";
import { formatIncident, formatMute } from "../src/bot/views.ts";
import type { Incident } from "../src/monitor/types.ts";

/** Past this, a storm: the incidents are listed deaths first and cut to about two messages. */
const BUDGET = 2 * TELEGRAM_TEXT_LIMIT - 400;
const KIND_ORDER = ["crashed", "disconnected", "silent"];

function incidentLines(incidents: readonly Incident[], now: number, room: number): string[] {
  const lines = incidents.map((i) => formatIncident(i, now));
  const header = `Open incidents (${incidents.length}):`;
  if (lines.join("\n").length + header.length <= room) return [header, ...lines];
  const counts = KIND_ORDER.map((k) => [k, incidents.filter((i) => i.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n.toLocaleString("en-US")} ${k}`);
  const out = [`Open incidents (${incidents.length.toLocaleString("en-US")}): ${counts.join(", ")}`];
  const rank = (i: Incident) => KIND_ORDER.indexOf(i.kind);
  const ordered = incidents.map((i, at) => ({ i, at })).sort((a, b) => rank(a.i) - rank(b.i) || a.at - b.at);
  let used = out[0]?.length ?? 0;
  let shown = 0;
  for (const { i } of ordered) {
    const line = formatIncident(i, now);
    if (used + line.length + 1 > room - 200) break;
    out.push(line);
    used += line.length + 1;
    shown++;
  }
  const hidden = incidents.length - shown;
  if (hidden > 0)
    out.push(`… and ${hidden.toLocaleString("en-US")} more; /status shows every process by state`);
  return out;
}

/** /alerts: open incidents (deaths first and cut short in a storm) and active mutes. */
export default defineCommand({
  name: "alerts",
  help: "Show open incidents and active mutes",
  usage: "/alerts",
  role: "viewer",
  group: "read",
  order: 50,
  schema: noArgs,
  handler: async (ctx) => {
    const now = ctx.clock.now();
    const incidents = ctx.monitor.incidents();
    const mutes = ctx.monitor.mutes().filter((m) => m.until > now);
    const muteLines = mutes.length
      ? ["", `Mutes (${mutes.length}):`, ...mutes.map((m) => formatMute(m, now))]
      : [];
    const room = BUDGET - muteLines.join("\n").length;
    const lines = [
      ...(incidents.length ? incidentLines(incidents, now, room) : ["No open incidents."]),
      ...muteLines,
    ];
    await ctx.reply(lines.join("\n"));
  },
});
