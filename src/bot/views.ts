/** Chat renderings of the monitor's views and of a strategy's `status` reply. */
import type { Incident, Mute, ProcessView } from "../monitor/types.ts";
import { formatClockTime, formatDuration } from "./format.ts";

/**
 * One process as /status shows it: liveness (strategy state), heartbeat age, connected, muted.
 *
 * @example
 * formatProcess({ id: "mm1", state: "up", strategyState: "sleeping", connected: true, lastHeartbeatAt: 0 }, 2000);
 * // "mm1 — up (sleeping), heartbeat 2.0 s ago, connected, not muted"
 * formatProcess({ id: "mm3", state: "unknown", connected: false, neverConnected: true }, 0);
 * // "mm3 — never connected since the bot started, not muted"
 */
export function formatProcess(p: ProcessView, now: number): string {
  const muted =
    p.mutedUntil !== undefined && p.mutedUntil > now
      ? `muted until ${formatClockTime(p.mutedUntil)}`
      : "not muted";
  if (p.neverConnected) {
    const state = p.state === "unknown" ? "" : `${p.state}, `;
    return `${p.id} — ${state}never connected since the bot started, ${muted}`;
  }
  // The strategy's state word comes from its heartbeat: a long one must not blow up a listing.
  const state = p.strategyState ? `${p.state} (${clip(p.strategyState, 40)})` : p.state;
  const heartbeat =
    p.lastHeartbeatAt !== undefined
      ? `heartbeat ${formatDuration(now - p.lastHeartbeatAt)} ago`
      : "no heartbeat yet";
  return `${p.id} — ${state}, ${heartbeat}, ${p.connected ? "connected" : "not connected"}, ${muted}`;
}

/** The fields of a `status` reply (docs/protocol.md, built-in command types) in one line. */
export function formatStatusResult(
  result: Record<string, unknown> | undefined,
  now: number,
): string | undefined {
  if (!result) return undefined;
  const parts: string[] = [];
  if (typeof result.state === "string") parts.push(result.state);
  if (typeof result.step === "number") parts.push(`step ${result.step}`);
  if (typeof result.last_step_ms === "number") parts.push(`last step ${formatDuration(result.last_step_ms)}`);
  if (typeof result.uptime_s === "number") parts.push(`up ${formatDuration(result.uptime_s * 1000)}`);
  if (typeof result.next_step_at === "number") {
    // next_step_at may be epoch ms or µs; µs values are 1000× larger than any ms value of this era.
    const at = result.next_step_at > 1e14 ? result.next_step_at / 1000 : result.next_step_at;
    parts.push(`next step in ${formatDuration(Math.max(0, at - now))}`);
  }
  return parts.length ? parts.join(", ") : compactJson(result);
}

export function formatIncident(i: Incident, now: number): string {
  const alerts = `${i.alerts} alert${i.alerts === 1 ? "" : "s"} sent`;
  const detail = i.detail ? `: ${i.detail}` : "";
  const flags = [i.flapping ? "flapping" : "", i.muted ? "muted" : ""].filter(Boolean);
  const marks = flags.length ? ` [${flags.join(", ")}]` : "";
  return `${i.id} — ${i.kind}${marks} since ${formatClockTime(i.since)} (${formatDuration(now - i.since)} ago), ${alerts}${detail}`;
}

export function formatMute(m: Mute, now: number): string {
  const by = m.by ? ` by ${m.by}` : "";
  return `${m.target} — muted until ${formatClockTime(m.until)} (${formatDuration(m.until - now)} left)${by}`;
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** JSON on one line, cut to `max` characters for a chat line. */
export function compactJson(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
