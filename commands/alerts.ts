import { noArgs } from "../src/bot/args.ts";
import { TELEGRAM_TEXT_LIMIT } from "../src/bot/format.ts";
import { defineCommand } from "../src/bot/types.ts";
import { formatIncident, formatMute } from "../src/bot/views.ts";
import { type Catalog, localized } from "../src/i18n/index.ts";
import type { Incident } from "../src/monitor/types.ts";

/** Past this, a storm: the incidents are listed deaths first and cut to about two messages. */
const BUDGET = 2 * TELEGRAM_TEXT_LIMIT - 400;
const KIND_ORDER = ["crashed", "disconnected", "silent"];

function incidentLines(incidents: readonly Incident[], now: number, room: number, t: Catalog): string[] {
  const lines = incidents.map((i) => formatIncident(i, now, t));
  const header = t.commands.alerts.header({ count: incidents.length });
  if (lines.join("\n").length + header.length <= room) return [header, ...lines];
  const kinds = KIND_ORDER.map((kind) => ({
    kind,
    count: incidents.filter((i) => i.kind === kind).length,
  })).filter((k) => k.count > 0);
  const out = [t.commands.alerts.storm({ count: incidents.length, kinds })];
  const rank = (i: Incident) => KIND_ORDER.indexOf(i.kind);
  const ordered = incidents.map((i, at) => ({ i, at })).sort((a, b) => rank(a.i) - rank(b.i) || a.at - b.at);
  let used = out[0]?.length ?? 0;
  let shown = 0;
  for (const { i } of ordered) {
    const line = formatIncident(i, now, t);
    if (used + line.length + 1 > room - 200) break;
    out.push(line);
    used += line.length + 1;
    shown++;
  }
  const hidden = incidents.length - shown;
  if (hidden > 0) out.push(t.commands.alerts.more({ hidden }));
  return out;
}

/** /alerts: open incidents (deaths first and cut short in a storm) and active mutes. */
export default defineCommand({
  name: "alerts",
  help: localized((t) => t.help.alerts),
  usage: "/alerts",
  role: "viewer",
  group: "read",
  order: 50,
  schema: noArgs,
  handler: async (ctx) => {
    const { t } = ctx;
    const now = ctx.clock.now();
    const incidents = ctx.monitor.incidents();
    const mutes = ctx.monitor.mutes().filter((m) => m.until > now);
    const muteLines = mutes.length
      ? ["", t.commands.alerts.mutes({ count: mutes.length }), ...mutes.map((m) => formatMute(m, now, t))]
      : [];
    const room = BUDGET - muteLines.join("\n").length;
    const lines = [
      ...(incidents.length ? incidentLines(incidents, now, room, t) : [t.commands.alerts.none]),
      ...muteLines,
    ];
    await ctx.reply(lines.join("\n"));
  },
});
