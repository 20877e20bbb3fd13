/**
 * The shape of a catalog, derived from the English one: a language is an object of exactly these
 * keys, each a fixed text or a message function with the same named parameters.
 */
import type { en } from "./en/index.ts";

/**
 * Every user-visible text of the bot in one language.
 *
 * @example
 * const zh: Catalog = { bot: { … }, views: { … }, … }; // a missing or extra key is a type error
 */
export type Catalog = typeof en;
