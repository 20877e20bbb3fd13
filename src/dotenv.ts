/**
 * A tiny `.env` parser (no dependency): `NAME=value` lines, `#` comments, optional `export `,
 * single or double quotes (double quotes understand \n), inline ` #` comments on unquoted values.
 *
 * @example
 * parseDotenv('A=1\n# note\nB="two words"'); // { A: "1", B: "two words" }
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, name, rest = ""] = match;
    if (!name) continue;
    out[name] = unquote(rest);
  }
  return out;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
    const inner = value.slice(1, value.indexOf(quote, 1));
    return quote === '"' ? inner.replace(/\\n/g, "\n") : inner;
  }
  const hash = value.search(/\s#/);
  return (hash >= 0 ? value.slice(0, hash) : value).trim();
}
