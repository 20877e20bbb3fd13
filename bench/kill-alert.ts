/**
 * SIGKILL of a strategy → the disconnect alert's sendMessage arriving at a local fake Bot API
 * (test/e2e/bot-api-server.ts), through a real `missionctl bot` process pointed at it with
 * TELEGRAM_API_ROOT. The bot finds the strategies by ipc discovery, as in production. The path is:
 * libzmq drops the dead peer's pipes → XPUB unsubscription / SUB disconnect → the monitor's settle
 * window (300 ms, for a `stopped` that may travel on the other socket) → alert → HTTP request.
 */
import { join } from "node:path";
import { BotApiServer } from "../test/e2e/bot-api-server.ts";
import { type Child, progress, sleep, spawnCli, stopChild, tempDir, waitFor } from "./common.ts";

const TOKEN = "123456:BENCH";
const OPERATOR = 111;
const KILLS = 5;

export interface KillAlertResult {
  kill_alert_ms: number;
  kill_alert_p50_ms: number;
}

/** The bot stays up after this stage (bot_rss_mb is read after the later stages); close() ends it. */
export interface BotHandle {
  bot: Child;
  close(): Promise<void>;
}

export async function benchKillAlert(): Promise<{ result: KillAlertResult; handle: BotHandle }> {
  const api = new BotApiServer(TOKEN);
  const apiRoot = await api.listen();
  const ipcDir = join(tempDir(), "p");
  const ids = Array.from({ length: KILLS }, (_, i) => `k${i + 1}`);
  const env = { MISSIONCTL_IPC_DIR: ipcDir, LOG_LEVEL: "info" };
  const strategies = ids.map((id) =>
    spawnCli(["strategy", id, "--step-ms", "0", "--interval-ms", "600000"], env),
  );
  const bot = spawnCli(["bot"], {
    ...env,
    // The bot as deployed, with its state on a file (never the user's ~/.local/state).
    MISSIONCTL_STATE: join(tempDir(), "state.db"),
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    MISSIONCTL_OPERATORS: String(OPERATOR),
    MISSIONCTL_VIEWERS: "",
    MISSIONCTL_ALERT_CHATS: "",
    MISSIONCTL_PROCESSES: "",
  });
  const close = async () => {
    await Promise.all([stopChild(bot), ...strategies.map((s) => stopChild(s, "SIGKILL"))]);
    await api.close();
  };
  try {
    await waitFor(() => api.polls > 0 || bot.exited(), 30_000, "the bot to poll the fake Bot API");
    if (bot.exited()) throw new Error(`the bot exited: ${bot.stderr()}`);
    // Both directions work once `/ping k*` comes back ok from every strategy.
    for (let attempt = 1; ; attempt++) {
      const before = api.telegram.botMessages(OPERATOR).length;
      api.push(api.telegram.textUpdate({ userId: OPERATOR }, "/ping k*"));
      const done = await waitFor(
        () =>
          api.telegram
            .botMessages(OPERATOR)
            .slice(before)
            .find((m) => m.text.split("\n")[0] === "ping → k*"), // final: the header has lost its " …"
        20_000,
        "/ping k* to finish",
      );
      if (ids.every((id) => new RegExp(`^${id}: ok`, "m").test(done.text))) break;
      if (attempt >= 30) throw new Error(`the strategies never all answered:\n${done.text}`);
    }
    progress("kill-alert", `bot hears ${KILLS} strategies; SIGKILL each in turn`);
    const ms: number[] = [];
    for (const [i, id] of ids.entries()) {
      const child = strategies[i] as Child;
      const alerted = new Promise<number>((resolve) => {
        const onMessage = (m: { chatId: number; from: "bot" | number; text: string }, kind: string) => {
          if (kind !== "sent" || m.chatId !== OPERATOR || !m.text.includes(`${id} disconnected`)) return;
          api.telegram.off("message", onMessage);
          resolve(performance.now());
        };
        api.telegram.on("message", onMessage);
      });
      const t0 = performance.now();
      child.proc.kill("SIGKILL");
      const timeout = sleep(10_000).then(() => Number.NaN);
      const at = await Promise.race([alerted, timeout]);
      if (Number.isNaN(at)) throw new Error(`no alert for ${id} within 10 s`);
      ms.push(at - t0);
      await child.exit;
    }
    ms.sort((a, b) => a - b);
    return {
      result: {
        kill_alert_ms: ms[ms.length - 1] as number,
        kill_alert_p50_ms: ms[Math.floor(ms.length / 2)] as number,
      },
      handle: { bot, close },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
