/**
 * Chat renderings of the monitor's views and of a strategy's `status` reply: the data is picked
 * here, the words come from the reader's catalog (src/i18n).
 */
import type { Catalog } from "../i18n/index.ts";
import type { Incident, Mute, ProcessView } from "../monitor/types.ts";

/**
 * One process as /status shows it: liveness (strategy state), heartbeat age, connected, muted.
 *
 * @example
 * formatProcess({ id: "mm1", state: "up", strategyState: "sleeping", connected: true, lastHeartbeatAt: 0 }, 2000, en);
 * // "mm1 — up (sleeping), heartbeat 2.0 s ago, connected, not muted"
 * formatProcess({ id: "mm3", state: "unknown", connected: false, neverConnected: true }, 0, en);
 * // "mm3 — never connected since the bot started, not muted"
 */
export function formatProcess(p: ProcessView, now: number, t: Catalog): string {
  return t.views.process({
    id: p.id,
    state: p.state,
    // The strategy's state word comes from its heartbeat: a long one must not blow up a listing.
    strategyState: p.strategyState ? clip(p.strategyState, 40) : undefined,
    heartbeatAgoMs: p.lastHeartbeatAt !== undefined ? now - p.lastHeartbeatAt : undefined,
    connected: p.connected,
    neverConnected: p.neverConnected === true,
    mutedUntil: p.mutedUntil !== undefined && p.mutedUntil > now ? p.mutedUntil : undefined,
  });
}

/**
 * The fields of a `status` reply (docs/protocol.md, built-in command types) in one line.
 *
 * @example
 * formatStatusResult({ state: "sleeping", step: 3 }, Date.now(), en); // "sleeping, step 3"
 */
export function formatStatusResult(
  result: Record<string, unknown> | undefined,
  now: number,
  t: Catalog,
): string | undefined {
  if (!result) return undefined;
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  const next = num(result.next_step_at);
  // next_step_at may be epoch ms or µs; µs values are 1000× larger than any ms value of this era.
  const nextAt = next === undefined ? undefined : next > 1e14 ? next / 1000 : next;
  const uptime = num(result.uptime_s);
  const line = t.views.statusResult({
    state: typeof result.state === "string" ? result.state : undefined,
    step: num(result.step),
    lastStepMs: num(result.last_step_ms),
    uptimeMs: uptime === undefined ? undefined : uptime * 1000,
    nextStepInMs: nextAt === undefined ? undefined : Math.max(0, nextAt - now),
  });
  return line || compactJson(result);
}

/**
 * One open incident for /alerts.
 *
 * @example
 * formatIncident(incident, Date.now(), en); // "mm1 — crashed since 12:03 UTC (2 min ago), 1 alert sent: Error: boom"
 */
export function formatIncident(i: Incident, now: number, t: Catalog): string {
  return t.views.incident({
    id: i.id,
    kind: i.kind,
    flapping: i.flapping === true,
    muted: i.muted === true,
    since: i.since,
    agoMs: now - i.since,
    alerts: i.alerts,
    detail: i.detail || undefined,
  });
}

/**
 * One mute in force for /alerts.
 *
 * @example
 * formatMute({ target: "mm*", until, by: "ann" }, Date.now(), en); // "mm* — muted until 13:00 UTC (60 min left) by ann"
 */
export function formatMute(m: Mute, now: number, t: Catalog): string {
  return t.views.mute({ target: m.target, until: m.until, leftMs: m.until - now, by: m.by || undefined });
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * JSON on one line, cut to `max` characters for a chat line.
 *
 * @example
 * compactJson({ quotes: 3 }); // '{"quotes":3}'
 */
export function compactJson(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
