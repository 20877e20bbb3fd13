/**
 * `missionctl` command line (README.md, Command line). Each subcommand lives in its own module,
 * loaded on demand so `missionctl send` does not pay for telegraf.
 */
import { pathToFileURL } from "node:url";
import { exitCodeOf } from "./cli-preamble.ts";

export const USAGE = `missionctl — chat-ops for trading strategies

Usage:
  missionctl start                 npm start: the bot when TELEGRAM_BOT_TOKEN is set, else the demo
  missionctl bot                   the Telegram bot
  missionctl demo                  the local demo: two strategies and a terminal chat
  missionctl strategy <id> [--step-ms N] [--interval-ms N] [--heartbeat-ms N] [--hear ids]
                                   a demo strategy process on the strategy runtime
  missionctl send <target> <command_type> [json-payload] [--timeout ms] [--as id]
                                   send one command, print each reply as a JSON line
  missionctl history [target] [-n N]
                                   the bot's audit of chat commands, as JSON lines
  missionctl proxy --bind tcp://HOST:PORT --cert FILE --allow DIR [--id ID] [--heartbeat-ms N]
                                   the CURVE proxy every process of a several-hosts setup connects to
  missionctl keys new NAME [--dir D]
                                   write a CURVE key pair (NAME.key, NAME.key_secret)
  missionctl sync --base DIR --executor-log DIR [--executor ID] [--strategy NAME] [--session UUID] [--assume-no-pending] [--apply] [--overwrite] [--json]
                                   sync a crashed strategy's positions from its executor's log
  missionctl executor <id> --log-dir D [--hear ids]
                                   a simulated trade executor (demo and tests)
  missionctl <command> --help      help for one command

Configuration comes from the environment (and .env); see README.md.`;

type Main = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Main>> = {
  start: async () => (await import("./start.ts")).runStart,
  bot: async () => (await import("./bot/main.ts")).runBotCommand,
  demo: async () => (await import("./demo/main.ts")).runDemoCommand,
  strategy: async () => (await import("./strategy/main.ts")).runStrategyCommand,
  send: async () => (await import("./send/main.ts")).runSendCommand,
  history: async () => (await import("./history/main.ts")).runHistoryCommand,
  proxy: async () => (await import("./proxy/main.ts")).runProxyCommand,
  keys: async () => (await import("./keys/main.ts")).runKeysCommand,
  sync: async () => (await import("./sync/main.ts")).runSyncCommand,
  executor: async () => (await import("./executor/main.ts")).runExecutorCommand,
};

/** The subcommands, in USAGE order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    console.error(USAGE);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`missionctl: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
const viaBin = process.argv[1]?.endsWith("missionctl") || process.argv[1]?.endsWith("missionctl.js");
if (invokedDirectly || viaBin) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`missionctl: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = exitCodeOf(err);
    },
  );
}
