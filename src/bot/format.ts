/** Small text helpers for chat messages. */

// Chat replies and the monitor's alerts write durations by one rule; commands and views import it here.
export { formatClockTime, formatDuration, parseDuration } from "../duration.ts";

/** Telegram's limit for one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

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
