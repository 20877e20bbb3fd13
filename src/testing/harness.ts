/**
 * The public harness for scripted bot tests: the real bot pipeline (commands, auth, confirmation,
 * progress, monitor, alerts) over the in-memory IPC transport and a fake Telegram.
 */
import { type BotRuntime, createBotRuntime } from "../bot/runtime.ts";
import type { Clock } from "../clock.ts";
import { type Config, loadConfig } from "../config.ts";
import { LifecycleBus } from "../events.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import { MemoryHub, MemoryTransport } from "../ipc/memory-transport.ts";
import { type Logger, silentLogger } from "../log.ts";
import type { MonitorApi } from "../monitor/types.ts";
import { type FakeHandler, FakeStrategy, type FakeStrategyOptions } from "./fake-strategy.ts";
import { type CallbackAnswer, type ChatMessage, FakeTelegram } from "./fake-telegram.ts";
import { waitFor } from "./wait.ts";

export interface HarnessOptions {
  operators?: number[];
  viewers?: number[];
  alertChats?: number[];
  /** MISSIONCTL_REPLY_TIMEOUT_MS (default 2000, so timeout paths stay quick). */
  replyTimeoutMs?: number;
  /** Any other configuration variable, by its DESIGN §5 name. */
  env?: Record<string, string>;
  /** Minimum interval between progress edits (default 50 ms; the bot's own default is 1000). */
  editIntervalMs?: number;
  /** Confirmation lifetime (default 60 000 ms; pair a short one, or a FakeClock, with expiry tests). */
  confirmTtlMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Use this monitor instead of the real one (which is the default). */
  monitor?: MonitorApi;
  /** How long the monitor waits for `stopped` after a disconnect (default 300 ms). */
  settleMs?: number;
  /** How long `waitFor…` helpers wait by default (default 5000 ms). */
  waitMs?: number;
}

/** Who sends a message: a user id, optionally with a username and a (group) chat. */
export type Sender = number | { userId: number; username?: string; chatId?: number };

/**
 * The harness. Create it with {@link createHarness}; close it in `afterEach`.
 *
 * @example
 * const h = await createHarness({ operators: [1] });
 * await h.addStrategy("mm1");
 * await h.send(1, "/exit mm1");
 * await h.waitForMessage(/mm1: ok/);
 * await h.close();
 */
export class BotHarness {
  readonly strategies = new Map<string, FakeStrategy>();
  #closed = false;

  constructor(
    readonly hub: MemoryHub,
    readonly ipc: IpcCommandSystem,
    readonly telegram: FakeTelegram,
    readonly runtime: BotRuntime,
    readonly config: Config,
    private readonly waitMs: number,
  ) {}

  get bus(): LifecycleBus {
    return this.runtime.bus;
  }

  get monitor(): MonitorApi {
    return this.runtime.monitor;
  }

  /**
   * Starts a fake strategy on the in-memory network and makes the bot hear it; resolves once
   * both directions are connected.
   */
  async addStrategy(
    id: string,
    handlers: Record<string, FakeHandler> = {},
    options: FakeStrategyOptions = {},
  ): Promise<FakeStrategy> {
    const strategy = await FakeStrategy.start(this.hub, id, handlers, { hear: [this.ipc.id], ...options });
    this.strategies.set(id, strategy);
    this.hear(id);
    await waitFor(() => this.ipc.isReachable(id), this.waitMs, `${id} to connect`);
    return strategy;
  }

  /** A memory transport for a real strategy runtime (`runStrategy(def, { transport, process: false })`). */
  transport(id: string): MemoryTransport {
    return new MemoryTransport(this.hub, id);
  }

  /** Makes the bot hear process `id` (fake strategies are heard automatically). */
  hear(id: string): void {
    this.ipc.connectToProcess(id);
  }

  /**
   * Delivers a text message from `sender` (in their private chat unless a chatId is given);
   * `extra` adds message fields.
   *
   * @example
   * await h.send(1, "/exit mm1", { forward_origin: { type: "user", date: 0, sender_user: { id: 2 } } });
   */
  async send(sender: Sender, text: string, extra?: Record<string, unknown>): Promise<void> {
    const user = typeof sender === "number" ? { userId: sender } : sender;
    await this.runtime.bot.handleUpdate(this.telegram.textUpdate(user, text, extra));
  }

  /**
   * Presses the button labelled `label` as `userId`: on message `messageId`, or on the newest bot
   * message in the user's chat (or `chatId`) that has such a button.
   */
  async press(
    userId: number,
    label: string,
    where: { messageId?: number; chatId?: number } = {},
  ): Promise<void> {
    const candidates = this.telegram
      .botMessages(where.chatId ?? (where.messageId === undefined ? userId : undefined))
      .filter((m) => (where.messageId === undefined ? m.keyboard : m.messageId === where.messageId));
    const message = candidates[candidates.length - 1];
    if (!message) throw new Error(`no bot message with buttons to press (chat ${where.chatId ?? userId})`);
    await this.runtime.bot.handleUpdate(this.telegram.pressUpdate(userId, message, label));
  }

  /** The bot's messages (current texts after edits), oldest first. */
  messages(chatId?: number): ChatMessage[] {
    return this.telegram.botMessages(chatId);
  }

  /** The bot's newest message in a chat. */
  lastMessage(chatId?: number): ChatMessage | undefined {
    return this.messages(chatId).at(-1);
  }

  /**
   * Resolves with the first bot message whose current text matches (now or after an edit);
   * rejects after the wait limit, listing what the chat shows.
   */
  waitForMessage(
    pattern: RegExp | string,
    options: { chatId?: number; timeoutMs?: number } = {},
  ): Promise<ChatMessage> {
    const matches = (m: ChatMessage) =>
      (options.chatId === undefined || m.chatId === options.chatId) &&
      (typeof pattern === "string" ? m.text.includes(pattern) : pattern.test(m.text));
    const find = () => this.messages().find(matches);
    return waitFor(
      find,
      options.timeoutMs ?? this.waitMs,
      `a bot message matching ${pattern}`,
      this.telegram,
      () => this.transcript(),
    );
  }

  /** Resolves with the first answer to a button press whose text matches. */
  waitForAnswer(pattern: RegExp | string, options: { timeoutMs?: number } = {}): Promise<CallbackAnswer> {
    const matches = (a: CallbackAnswer) =>
      typeof pattern === "string" ? (a.text ?? "").includes(pattern) : pattern.test(a.text ?? "");
    return waitFor(
      () => this.telegram.answers.find(matches),
      options.timeoutMs ?? this.waitMs,
      `a button answer matching ${pattern}`,
      this.telegram,
    );
  }

  /** Every message of every chat as text, for failure messages and debugging. */
  transcript(): string {
    return this.telegram
      .messages()
      .map(
        (m) =>
          `[chat ${m.chatId}] ${m.from === "bot" ? "bot" : `user ${m.from}`}: ${m.text.replace(/\n/g, "\n    ")}`,
      )
      .join("\n");
  }

  /** Waits until the bot has no command in flight. */
  idle(): Promise<void> {
    return this.runtime.bot.idle();
  }

  /** Stops the bot, the strategies and the IPC. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.runtime.stop();
    for (const s of this.strategies.values()) await s.kill();
    await this.ipc.stop();
  }
}

/**
 * Builds the real bot (id `chatops`) over a fresh in-memory network and a fake Telegram, with the
 * real monitor and alert notifier, and starts it.
 *
 * @example
 * const h = await createHarness({ operators: [1], viewers: [2] });
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
  const runtime = await createBotRuntime({
    config,
    ipc,
    bus: new LifecycleBus(logger),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.monitor ? { monitor: options.monitor } : {}),
    ...(options.settleMs !== undefined ? { monitorOptions: { settleMs: options.settleMs } } : {}),
    telegram: { callApi: telegram.callApi, retry: { baseDelayMs: 10, maxDelayMs: 200 } },
    editIntervalMs: options.editIntervalMs ?? 50,
    ...(options.confirmTtlMs !== undefined ? { confirmTtlMs: options.confirmTtlMs } : {}),
    botInfo: telegram.botInfo,
  });
  await runtime.start();
  return new BotHarness(hub, ipc, telegram, runtime, config, options.waitMs ?? 5000);
}
