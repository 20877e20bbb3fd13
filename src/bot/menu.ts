/**
 * Telegram's command menu in every language: one list without a language (what users of any
 * other language see, in MISSIONCTL_LANG) and one per language for users whose app speaks it.
 */
import type { Lang } from "../i18n/index.ts";
import type { CommandDefinition } from "./types.ts";

/** One setMyCommands call: the commands and, unless it is the default list, their language. */
export interface CommandMenu {
  languageCode?: Lang;
  commands: { command: string; description: string }[];
}

/**
 * The menus to publish: the default (no language_code) in `defaultLang`, then `zh`, then `en`
 * when the default is not English, so that each language's users read their own.
 *
 * @example
 * commandMenus(registry.list, "en"); // [{ commands: [...English] }, { languageCode: "zh", commands: [...] }]
 */
export function commandMenus(commands: readonly CommandDefinition[], defaultLang: Lang): CommandMenu[] {
  const list = (lang: Lang) => commands.map((c) => ({ command: c.name, description: c.help[lang] }));
  const scoped: Lang[] = defaultLang === "en" ? ["zh"] : ["zh", "en"];
  return [
    { commands: list(defaultLang) },
    ...scoped.map((lang) => ({ languageCode: lang, commands: list(lang) })),
  ];
}
