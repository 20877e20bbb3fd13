/**
 * The Chinese (Simplified) catalog. Typed as {@link Catalog}, so it has exactly the English keys;
 * test/i18n checks that each message uses the same placeholders.
 */
import type { Catalog } from "../catalog.ts";
import { args } from "./args.ts";
import { bot } from "./bot.ts";
import { commands, help } from "./commands.ts";
import { monitor } from "./monitor.ts";
import { sync } from "./sync.ts";
import { views } from "./views.ts";

/**
 * 简体中文 (MISSIONCTL_LANG=zh, or a user whose Telegram language is zh*).
 *
 * @example
 * zh.bot.unknownCommand({ name: "foo" }); // "未知命令 /foo。发送 /help 查看命令列表。"
 */
export const zh: Catalog = { bot, views, help, commands, args, monitor, sync };
