/**
 * `.env` through Node's own parser (`util.parseEnv`, the rules of `node --env-file`: quotes, `#`
 * comments, `export`, `\n` in double quotes), one line at a time. The line-at-a-time pre-pass is
 * what we keep of our own: on a whole file, Node 20's parser lets a line without `=` swallow the
 * next variable's name and an unclosed quote swallow the lines after it, and its multi-line
 * values are still changing between Node releases; one variable per line is also what the Python
 * package's reader (python/missionctl/config.py) accepts.
 */
import { parseEnv } from "node:util";

/** `NAME=value` or `export NAME=value`: the only lines read; anything else is skipped whole. */
const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*\s*=.*)$/;

/**
 * The variables of a `.env` text: `NAME=value` lines, `#` comments (a `#` ends an unquoted value),
 * optional `export `, single, double or backtick quotes (double quotes understand `\n`). Lines that
 * are not an assignment, and a value whose quote is never closed, are skipped.
 *
 * @example
 * parseDotenv('A=1\n# note\nexport B="two words"'); // { A: "1", B: "two words" }
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const assignment = ASSIGNMENT.exec(line.trim())?.[1];
    if (assignment === undefined) continue;
    for (const [name, value] of Object.entries(parseEnv(assignment))) {
      if (value !== undefined) out[name] = value;
    }
  }
  return out;
}
