/** Starts `missionctl bot` as a child process against a local Bot API server, for e2e tests. */
import { tempIpcDir } from "../helpers.ts";
import type { BotApiServer } from "./bot-api-server.ts";
import { type Child, exited, missionctl } from "./child.ts";

/** What a test undoes after it, last pushed first (the caller's afterEach runs them). */
export type Cleanups = (() => Promise<void> | void)[];

export interface StartBotOptions {
  /** The one operator (MISSIONCTL_OPERATORS); there are no viewers, alert chats or processes. */
  operator: number;
  /** Added over that environment (webhook mode, metrics, ...). */
  env?: Record<string, string>;
}

/**
 * Makes `api` listen, then starts `missionctl bot` against it (its token, a fresh IPC directory),
 * and pushes its teardown onto `cleanups`: the process killed if still running, `api` closed, the
 * IPC directory removed. Resolves as soon as the process is spawned, not once it polls.
 *
 * @example
 * const api = new BotApiServer("123456:TEST");
 * const bot = await startBot(api, cleanups, { operator: 111 });
 * await pollFor(() => api.polls > 0, 20_000, "the bot to poll");
 */
export async function startBot(
  api: BotApiServer,
  cleanups: Cleanups,
  options: StartBotOptions,
): Promise<Child> {
  const root = await api.listen();
  const ipc = tempIpcDir();
  const bot = missionctl(["bot"], {
    MISSIONCTL_IPC_DIR: ipc.dir,
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: root,
    MISSIONCTL_OPERATORS: String(options.operator),
    MISSIONCTL_VIEWERS: "",
    MISSIONCTL_ALERT_CHATS: "",
    MISSIONCTL_PROCESSES: "",
    ...options.env,
  });
  cleanups.push(async () => {
    if (!exited(bot)) bot.proc.kill("SIGKILL");
    await bot.exit;
    await api.close();
    ipc.cleanup();
  });
  return bot;
}
