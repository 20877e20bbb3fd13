/**
 * Formatting shared by every language: numbers, quoted input and times. Durations differ per
 * language (unit words) and live in each catalog; a clock time in UTC reads the same everywhere.
 */
import { formatClockTime } from "../duration.ts";

/**
 * A count with thousands separators, the same in every language (`3,000`).
 *
 * @example
 * count(3000); // "3,000"
 */
export const count = (n: number): string => n.toLocaleString("en-US");

/**
 * What the user typed, quoted so that spaces and empty words show.
 *
 * @example
 * quote("mm 1"); // "\"mm 1\""
 */
export const quote = (input: unknown): string => JSON.stringify(input) ?? String(input);

/**
 * `12:03 UTC`: chat readers are anywhere, and UTC is unambiguous.
 *
 * @example
 * clockTime(Date.UTC(2026, 0, 1, 12, 3)); // "12:03 UTC"
 */
export const clockTime = (epochMs: number): string => formatClockTime(epochMs);

/**
 * `2026-11-26 03:12:05 UTC`: an audit needs the day and the seconds.
 *
 * @example
 * auditTime(Date.UTC(2026, 10, 26, 3, 12, 5)); // "2026-11-26 03:12:05 UTC"
 */
export const auditTime = (epochMs: number): string =>
  `${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")} UTC`;
