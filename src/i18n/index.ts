/**
 * Languages of the chat: every user-visible text lives in one catalog per language (src/i18n/en,
 * src/i18n/zh). A reply follows the asking user's Telegram `language_code`; an alert, which goes
 * to a chat rather than a user, follows MISSIONCTL_LANG (DESIGN §7). Logs and the CLI stay English.
 */
import type { Catalog } from "./catalog.ts";
import { en } from "./en/index.ts";
import { zh } from "./zh/index.ts";

export type { Catalog } from "./catalog.ts";

/** The languages the bot speaks (MISSIONCTL_LANG takes the same values). */
export type Lang = "en" | "zh";

/** Every language, English (the reference catalog) first. */
export const LANGS: readonly Lang[] = ["en", "zh"];

const CATALOGS: Readonly<Record<Lang, Catalog>> = { en, zh };

/**
 * The language for a Telegram `language_code` (IETF tag: `zh`, `zh-hans`, `zh-TW`, `en-GB`, …): a
 * language the bot speaks by its primary subtag, else `fallback` (MISSIONCTL_LANG), also when the
 * code is missing.
 *
 * @example
 * langOf("zh-hans", "en"); // "zh"
 * langOf("de", "zh"); // "zh"
 * langOf(undefined, "en"); // "en"
 */
export function langOf(languageCode: string | undefined, fallback: Lang): Lang {
  const primary = languageCode?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGS.find((l) => l === primary) ?? fallback;
}

/**
 * The catalog of one language.
 *
 * @example
 * catalog("zh").bot.notAuthorized({ userId: 42 }); // "无权限。你的 Telegram 用户 id 是 42。"
 */
export function catalog(lang: Lang): Catalog {
  return CATALOGS[lang];
}

/** A text given in every language: what a command definition's `help` is. */
export type Localized = Readonly<Record<Lang, string>>;

/**
 * One catalog text in every language, e.g. a built-in command's help line.
 *
 * @example
 * localized((t) => t.help.exit); // { en: "Stop processes after …", zh: "在当前步骤完成后停止进程…" }
 */
export function localized(pick: (t: Catalog) => string): Localized {
  return { en: pick(en), zh: pick(zh) };
}
