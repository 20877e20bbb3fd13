import type { Config } from "../config.ts";
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

/** The one line a stranger gets (README, Chat commands: exact text, tested from outside). */
export const notAuthorizedText = (userId: number): string =>
  `Not authorized. Your Telegram user id is ${userId}.`;
