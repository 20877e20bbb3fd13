import { loadConfig } from "./config.ts";

/** `npm start`: the Telegram bot when a token is configured, else the local demo (DESIGN §5-6). */
export async function runStart(args: string[]): Promise<number> {
  const config = loadConfig();
  if (config.TELEGRAM_BOT_TOKEN) return (await import("./bot/main.ts")).runBotCommand(args);
  return (await import("./demo/main.ts")).runDemoCommand(args);
}
