import { commandPreamble, noArguments } from "./cli-preamble.ts";

export const START_USAGE = `Usage: missionctl start

What \`npm start\` runs: \`missionctl bot\` when TELEGRAM_BOT_TOKEN is set (in the environment or
.env), else \`missionctl demo\`. It takes no arguments; see \`missionctl bot --help\` and
\`missionctl demo --help\`. Exit codes: those of the command it runs; 2 on bad usage or a bad
configuration value.`;

/**
 * `npm start`: the Telegram bot when a token is configured, else the local demo (README.md).
 *
 * @example
 * process.exitCode = await runStart([]);
 */
export async function runStart(args: string[]): Promise<number> {
  const start = commandPreamble("start", START_USAGE, args, noArguments);
  if (typeof start === "number") return start;
  if (start.config.TELEGRAM_BOT_TOKEN) return (await import("./bot/main.ts")).runBotCommand(args);
  return (await import("./demo/main.ts")).runDemoCommand(args);
}
