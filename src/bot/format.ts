/** Small text helpers for chat messages. */

/** Telegram's limit for one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * A duration for people: "3 ms", "0.8 s", "12 s", "4 min", "2 h", "3 d".
 *
 * @example
 * formatDuration(812); // "0.8 s"
 */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

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
 * Splits text into chunks of at most `limit` characters, at line breaks where possible.
 *
 * @example
 * splitText("a\nb", 2); // ["a", "b"]
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (text.length <= limit) return [text];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf("\n", limit);
    if (cut <= 0) cut = limit;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

/** An epoch time as `HH:MM UTC` (chat readers are anywhere; UTC is unambiguous). */
export function formatClockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 16)} UTC`;
}
