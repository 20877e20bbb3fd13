/**
 * The English catalog: every text a chat user reads, by area. It is the reference: its shape is
 * the {@link Catalog} type every other language must fill exactly (src/i18n/catalog.ts).
 */
import { args } from "./args.ts";
import { bot } from "./bot.ts";
import { commands, help } from "./commands.ts";
import { monitor } from "./monitor.ts";
import { sync } from "./sync.ts";
import { views } from "./views.ts";

/**
 * English, the default (MISSIONCTL_LANG=en).
 *
 * @example
 * en.bot.unknownCommand({ name: "foo" }); // "Unknown command /foo. Send /help for the list."
 */
export const en = { bot, views, help, commands, args, monitor, sync };
