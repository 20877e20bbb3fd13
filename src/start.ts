import { ConfigError, loadConfig } from "./config.ts";

export const START_USAGE = `Usage: missionctl start

What \`npm start\` runs: \`missionctl bot\` when TELEGRAM_BOT_TOKEN is set (in the environment or
.env), else \`missionctl demo\`. It takes no arguments; see \`missionctl bot --help\` and
\`missionctl demo --help\`. Exit codes: those of the command it runs; 2 on bad usage or a bad
configuration value.`;

/** `npm start`: the Telegram bot when a token is configured, else the local demo (DESIGN §5-6). */
export async function runStart(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(START_USAGE);
    return 0;
  }
  if (args.length > 0) {
    console.error(`missionctl start: unexpected argument ${JSON.stringify(args[0])}\n\n${START_USAGE}`);
    return 2;
  }
  let token: string | undefined;
  try {
    token = loadConfig().TELEGRAM_BOT_TOKEN;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`missionctl start: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (token) return (await import("./bot/main.ts")).runBotCommand(args);
  return (await import("./demo/main.ts")).runDemoCommand(args);
}
