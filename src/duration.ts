/**
 * Durations for people, both ways: the one rule every chat text (replies, /status, /alerts, alerts)
 * writes them with, and the parser of `/mute` durations.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration for people, in one rule. Each band is rounded to its own unit, and a band ends where
 * the next unit would read as a round number of it:
 *
 * - under 100 ms: whole milliseconds, `3 ms` (only a reply can be that fast);
 * - under 10 s: seconds with one decimal, `0.8 s`, `2.0 s`;
 * - under 2 min: whole seconds, `15 s`, `119 s`;
 * - under 2 h: whole minutes, `2 min`, `90 min`;
 * - under 2 days: hours and minutes, `2 h`, `2 h 5 min`;
 * - beyond: days and hours, `3 d`, `2 d 4 h`.
 *
 * @example
 * formatDuration(812); // "0.8 s"
 * formatDuration(125 * 60_000); // "2 h 5 min"
 */
export function formatDuration(ms: number): string {
  return formatDurationIn(ms, ENGLISH_UNITS);
}

/**
 * {@link formatDuration} with other unit words: one rounding rule for every language (src/i18n).
 *
 * @example
 * formatDurationIn(125 * 60_000, { ms: " 毫秒", s: " 秒", min: " 分钟", h: " 小时", d: " 天" }); // "2 小时 5 分钟"
 */
export function formatDurationIn(ms: number, u: DurationUnits): string {
  if (ms < 100) return `${Math.max(0, Math.round(ms))}${u.ms}`;
  // From 9.95 s on, one decimal would read "10.0 s": the next band says "10 s".
  if (ms < 9_950) return `${(ms / SECOND).toFixed(1)}${u.s}`;
  const s = Math.round(ms / SECOND);
  if (s < 120) return `${s}${u.s}`;
  const min = Math.round(ms / MINUTE);
  if (min < 120) return `${min}${u.min}`;
  if (min < 48 * 60) return compound(Math.floor(min / 60), u.h, min % 60, u.min);
  const h = Math.round(ms / HOUR);
  return compound(Math.floor(h / 24), u.d, h % 24, u.h);
}

/** The unit words of {@link formatDurationIn}, each with its leading space. */
export interface DurationUnits {
  ms: string;
  s: string;
  min: string;
  h: string;
  d: string;
}

/** `3 ms`, `0.8 s`, `2 min`, `2 h 5 min`, `2 d 4 h`. */
export const ENGLISH_UNITS: DurationUnits = { ms: " ms", s: " s", min: " min", h: " h", d: " d" };

/** `2 h`, or `2 h 5 min` when the smaller unit is not zero. */
const compound = (big: number, bigUnit: string, small: number, smallUnit: string): string =>
  small > 0 ? `${big}${bigUnit} ${small}${smallUnit}` : `${big}${bigUnit}`;

const UNIT_MS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/**
 * Parses a mute duration: `90s`, `30m`, `2h`, `1d` (also combined: `1h30m`). Undefined when invalid.
 *
 * @example
 * parseDuration("1h30m"); // 5400000
 */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)\s*([smhd])/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === text.length && total > 0 ? total : undefined;
}

/**
 * An epoch time as `HH:MM UTC` (chat readers are anywhere; UTC is unambiguous).
 *
 * @example
 * formatClockTime(Date.UTC(2026, 0, 1, 12, 3)); // "12:03 UTC"
 */
export function formatClockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}
