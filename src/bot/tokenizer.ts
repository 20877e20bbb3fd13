import type { CommandTokens } from "./types.ts";

/** A chat message that is a command: its name (lower case) and tokens. */
export interface ParsedCommand {
  name: string;
  tokens: CommandTokens;
}

/**
 * Turns `/exit mm1 mm2 --now` (or `/exit@MyBot …`) into a command name and tokens. Returns
 * undefined for text that is not a command, or a command addressed to another bot (groups).
 *
 * @example
 * tokenize("/exit@MyBot mm1 mm2 --now", "MyBot");
 * // { name: "exit", tokens: { args: ["mm1", "mm2"], flags: { now: true }, text: "mm1 mm2 --now" } }
 */
export function tokenize(text: string, botUsername?: string): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, name = "", mention, rest = ""] = match;
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  const args: string[] = [];
  const flags: Record<string, string | true> = {};
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const flag = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/.exec(word);
    if (flag?.[1]) flags[flag[1]] = flag[2] ?? true;
    else args.push(word);
  }
  return { name: name.toLowerCase(), tokens: { args, flags, text: rest.trim() } };
}
