import { SyncDataError } from "./errors.ts";

/** One parsed line of a JSON-lines file with its 1-based line number. */
export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

/** The lines of a JSON-lines file, and the partial last line skipped (if any). */
export interface JsonLines {
  lines: JsonLine[];
  /** A last line without its newline that is not JSON: a writer died mid-append. */
  partial?: { line: number; text: string };
}

/**
 * Parses JSON-lines text. A last line without a trailing newline that does not parse is a write cut
 * short by a crash, so it is reported and skipped; any other line that is not a JSON object is an
 * error naming the file and line, because silently dropping a fill would sync wrong positions.
 * Empty lines are ignored.
 *
 * @example
 * parseJsonLines('{"a":1}\n{"b"', "x.jsonl"); // { lines: [{ line: 1, value: { a: 1 } }], partial: { line: 2, ... } }
 */
export function parseJsonLines(text: string, file: string): JsonLines {
  const raw = text.split("\n");
  const out: JsonLines = { lines: [] };
  const endsWithNewline = text.endsWith("\n");
  for (let i = 0; i < raw.length; i++) {
    const rawLine = raw[i] ?? "";
    const trimmed = rawLine.trim();
    if (trimmed === "") continue;
    const isLast = i === raw.length - 1 && !endsWithNewline;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      if (isLast) {
        out.partial = { line: i + 1, text: rawLine };
        continue;
      }
      throw new SyncDataError({ key: "notJson", params: {} }, { file, line: i + 1 });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new SyncDataError({ key: "notObject", params: {} }, { file, line: i + 1 });
    }
    out.lines.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return out;
}
