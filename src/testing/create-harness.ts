/**
 * createHarness: the real bot runtime (commands, monitor, notifier, audit) over a fresh in-memory
 * network and a fake Telegram, wrapped in a {@link BotHarness}.
 */
import { type BotRuntimeOptions, createBotRuntime } from "../bot/runtime.ts";
import type { Clock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { LifecycleBus } from "../events.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../ipc/memory-transport.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";
import { MEMORY, openState } from "../state/open.ts";
import { FakeTelegram } from "./fake-telegram.ts";
import { BotHarness } from "./harness.ts";

/** What createHarness builds; everything is optional. */
export interface HarnessOptions {
  operators?: number[];
  viewers?: number[];
  alertChats?: number[];
  /** MISSIONCTL_REPLY_TIMEOUT_MS (default 2000, so timeout paths stay quick). */
  replyTimeoutMs?: number;
  /** Any other configuration variable, by its name in the README's Configuration table. */
  env?: Record<string, string>;
  /** Minimum interval between progress edits (default 50 ms; the bot's own default is 1000). */
  editIntervalMs?: number;
  /** Confirmation lifetime (default 60 000 ms; pair a short one, or a FakeClock, with expiry tests). */
  confirmTtlMs?: number;
  /** The clock of the bot, the monitor and every strategy of {@link BotHarness.addStrategy}. */
  clock?: Clock;
  logger?: Logger;
  /** Use this monitor instead of the real one (which is the default). */
  monitor?: MonitorApi;
  /** How long the monitor waits for `stopped` after a disconnect (default 300 ms). */
  settleMs?: number;
  /** How long `waitFor…` helpers wait by default (default 5000 ms, real time). */
  waitMs?: number;
  /** Chat commands beside those in commands/, as createBotRuntime takes them. */
  commands?: BotRuntimeOptions["commands"];
  /**
   * The bot's state database (docs/state.md): a file path (a second harness on the same file is the
   * bot after a restart), `:memory:` (the default), or `false` for a bot without one.
   */
  state?: string | false;
  /** How long a process of the last run may take to show up again before it is alerted (default 5000 ms). */
  restoreGraceMs?: number;
  /**
   * Users' Telegram `language_code`, by id (`{ 1003: "zh-hans" }`): on every message and button
   * press of theirs, so the bot answers them in that language. Alerts follow `env.MISSIONCTL_LANG`.
   */
  languages?: Record<number, string>;
}

/**
 * Builds the real bot (id `chatops`) over a fresh in-memory network and a fake Telegram, with the
 * real monitor and alert notifier, and starts it.
 *
 * @example
 * const h = await createHarness({ operators: [1], viewers: [2], clock: new FakeClock(Date.now()) });
 */
export async function createHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const env: Record<string, string> = {
    MISSIONCTL_OPERATORS: (options.operators ?? []).join(","),
    MISSIONCTL_VIEWERS: (options.viewers ?? []).join(","),
    MISSIONCTL_ALERT_CHATS: (options.alertChats ?? []).join(","),
    MISSIONCTL_REPLY_TIMEOUT_MS: String(options.replyTimeoutMs ?? 2000),
    ...options.env,
  };
  const config = loadConfig(env, { envFile: false });
  const logger = options.logger ?? silentLogger;
  const hub = new MemoryHub();
  const ipc = new IpcCommandSystem({
    id: config.MISSIONCTL_ID,
    transport: new MemoryTransport(hub, config.MISSIONCTL_ID),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await ipc.start();
  const telegram = new FakeTelegram(undefined, options.clock);
  for (const [id, code] of Object.entries(options.languages ?? {})) telegram.languages.set(Number(id), code);
  const state = options.state === false ? undefined : openState(options.state ?? MEMORY);
  const runtime = await createBotRuntime({
    config,
    ipc,
    bus: new LifecycleBus(logger),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.monitor ? { monitor: options.monitor } : {}),
    monitorOptions: {
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
      ...(options.restoreGraceMs !== undefined ? { restoreGraceMs: options.restoreGraceMs } : {}),
    },
    ...(state ? { state } : {}),
    ...(options.commands ? { commands: options.commands } : {}),
    telegram: { callApi: telegram.callApi, retry: { baseDelayMs: 10, maxDelayMs: 200 } },
    editIntervalMs: options.editIntervalMs ?? 50,
    ...(options.confirmTtlMs !== undefined ? { confirmTtlMs: options.confirmTtlMs } : {}),
    botInfo: telegram.botInfo,
  });
  await runtime.start();
  return new BotHarness(hub, ipc, telegram, runtime, config, options.waitMs ?? 5000, options.clock, state);
}
