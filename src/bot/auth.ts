import type { Config } from "../config.ts";
import { catalog, type Lang } from "../i18n/index.ts";
import type { Role } from "./types.ts";

/**
 * The role of a Telegram user by numeric id; undefined for strangers. Operators win
 * when an id is listed in both.
 *
 * @example
 * roleOf(config, 42); // "operator" when MISSIONCTL_OPERATORS=42
 */
export function roleOf(
  config: Pick<Config, "MISSIONCTL_OPERATORS" | "MISSIONCTL_VIEWERS">,
  userId: number,
): Role | undefined {
  if (config.MISSIONCTL_OPERATORS.includes(userId)) return "operator";
  if (config.MISSIONCTL_VIEWERS.includes(userId)) return "viewer";
  return undefined;
}

/** True when `role` may run a command that requires `required`. */
export function allows(role: Role, required: Role): boolean {
  return role === "operator" || required === "viewer";
}

/**
 * The one line a stranger gets (README, Chat commands: exact text, tested from outside), in their
 * language.
 *
 * @example
 * notAuthorizedText(42); // "Not authorized. Your Telegram user id is 42."
 */
export const notAuthorizedText = (userId: number, lang: Lang = "en"): string =>
  catalog(lang).bot.notAuthorized({ userId });
