/**
 * The public harness for scripted bot tests: the real bot pipeline (commands, auth, confirmation,
 * progress, monitor, alerts) over the in-memory IPC transport and a fake Telegram, with real
 * strategy runtimes ({@link TestStrategy}) on the same network and clock. Built by createHarness.
 */
import type { BotRuntime } from "../bot/runtime.ts";
import { type Clock, FakeClock } from "../clock.ts";
import type { Config } from "../config.ts";
import { MissionctlError } from "../errors.ts";
import type { LifecycleBus, LifecycleEventName } from "../events.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { type MemoryHub, MemoryTransport } from "../ipc/memory-transport.ts";
import type { MonitorApi } from "../monitor/types.ts";
import type { StateStore } from "../state/open.ts";
import type { StrategyCommandHandler } from "../strategy/types.ts";
import type { CallbackAnswer, ChatMessage, FakeTelegram } from "./fake-telegram.ts";
import { TestStrategy, type TestStrategyOptions } from "./test-strategy.ts";
import { type WaitSource, waitFor } from "./wait.ts";

/** A harness helper used where it cannot work: no button to press, no FakeClock to advance. */
export class HarnessError extends MissionctlError<"NO_BUTTON" | "NO_FAKE_CLOCK"> {
  override name = "HarnessError";
}

/**
 * Who sends a message: a user id, optionally with a username, a (group) chat and their Telegram
 * language (`zh-hans`: the bot answers in Chinese; default: the harness's `languages`, else none).
 */
export type Sender = number | { userId: number; username?: string; chatId?: number; languageCode?: string };

const BUS_EVENTS: readonly LifecycleEventName[] = [
  "command.received",
  "command.denied",
  "command.sent",
  "command.reply",
  "command.done",
  "alert",
  "alert.resolved",
  "info",
];

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
  readonly strategies = new Map<string, TestStrategy>();
  #closed = false;

  constructor(
    readonly hub: MemoryHub,
    readonly ipc: IpcCommandSystem,
    readonly telegram: FakeTelegram,
    readonly runtime: BotRuntime,
    readonly config: Config,
    private readonly waitMs: number,
    private readonly clock: Clock | undefined,
    /** The bot's state database (closed by close()); undefined for a harness without one. */
    readonly state?: StateStore,
  ) {}

  get bus(): LifecycleBus {
    return this.runtime.bus;
  }

  get monitor(): MonitorApi {
    return this.runtime.monitor;
  }

  /**
   * Starts a strategy runtime ({@link TestStrategy}) on the in-memory network and the harness's
   * clock, and makes the bot hear it. Resolves once both directions are connected and its first
   * step has begun (a quick step has ended: the strategy sleeps).
   *
   * @example
   * const mm1 = await h.addStrategy("mm1", { quotes: () => ({ quotes: 3 }) });
   * const busy = await h.addStrategy("mm2", {}, { step: (ctx) => ctx.delay(Number.POSITIVE_INFINITY) });
   */
  async addStrategy(
    id: string,
    handlers: Record<string, StrategyCommandHandler> = {},
    options: TestStrategyOptions = {},
  ): Promise<TestStrategy> {
    // The bot hears it before it binds, as a bot configured with its id does: its first heartbeat
    // (sent at start) is not lost.
    this.hear(id);
    const strategy = TestStrategy.start(this.hub, id, handlers, {
      hear: [this.ipc.id],
      ...(this.clock ? { clock: this.clock } : {}),
      ...options,
    });
    this.strategies.set(id, strategy);
    await waitFor(
      () => this.ipc.isReachable(id) && strategy.steps > 0,
      [
        { emitter: this.ipc, events: ["connected", "link"] },
        { emitter: strategy, events: ["step"] },
      ],
      { timeoutMs: this.waitMs, what: `${id} to connect and start its first step` },
    );
    // What follows a finished step (the state becoming `sleeping`) runs in microtasks; one
    // macrotask later they have all run.
    await new Promise((resolve) => setImmediate(resolve));
    return strategy;
  }

  /** A memory transport for a strategy runtime of your own (`runStrategy(def, { transport, process: false })`). */
  transport(id: string): MemoryTransport {
    return new MemoryTransport(this.hub, id);
  }

  /** Makes the bot hear process `id` (strategies of addStrategy are heard automatically). */
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
    if (!message) {
      const chat = where.chatId ?? userId;
      throw new HarnessError("NO_BUTTON", `no bot message with buttons to press (chat ${chat})`, { chat });
    }
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
    return waitFor(() => this.messages().find(matches), [{ emitter: this.telegram, events: ["message"] }], {
      timeoutMs: options.timeoutMs ?? this.waitMs,
      what: `a bot message matching ${pattern}`,
      context: () => this.transcript(),
    });
  }

  /** Resolves with the first answer to a button press whose text matches. */
  waitForAnswer(pattern: RegExp | string, options: { timeoutMs?: number } = {}): Promise<CallbackAnswer> {
    const matches = (a: CallbackAnswer) =>
      typeof pattern === "string" ? (a.text ?? "").includes(pattern) : pattern.test(a.text ?? "");
    return waitFor(
      () => this.telegram.answers.find(matches),
      [{ emitter: this.telegram, events: ["answer"] }],
      {
        timeoutMs: options.timeoutMs ?? this.waitMs,
        what: `a button answer matching ${pattern}`,
      },
    );
  }

  /**
   * Resolves with the first truthy value of `probe`, checked now and after every event of the
   * harness: a Bot API call or message, a frame, presence or link change at the bot's IPC, a
   * lifecycle bus event, a command or step of a strategy. Nothing polls, so `probe` must read
   * state that one of those changes.
   *
   * @example
   * await h.waitUntil(() => h.monitor.processes().find((p) => p.strategyState === "sleeping"), { what: "a sleeping heartbeat" });
   */
  waitUntil<T>(
    probe: () => T | undefined | false | null,
    options: { what?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const sources: WaitSource[] = [
      { emitter: this.telegram, events: ["call", "message", "answer"] },
      { emitter: this.ipc, events: ["message", "connected", "disconnected", "link"] },
      { emitter: this.bus, events: BUS_EVENTS },
      ...[...this.strategies.values()].map((s) => ({ emitter: s, events: ["command", "step"] })),
    ];
    return waitFor(probe, sources, {
      timeoutMs: options.timeoutMs ?? this.waitMs,
      what: options.what ?? "a condition",
      context: () => this.transcript(),
    });
  }

  /**
   * Moves the harness's FakeClock forward by `ms` in steps of `stepMs`, letting the in-memory IPC and
   * the fake Telegram deliver after each step as they would while real time passes. One big
   * `clock.advance()` fires every timer before any frame moves: a strategy's heartbeats would pile
   * up undelivered and the monitor would call it silent.
   *
   * @example
   * await h.advance(60_000); // the question expires; mm1 heartbeated all along
   */
  async advance(ms: number, stepMs = 100): Promise<void> {
    const clock = this.clock;
    if (!(clock instanceof FakeClock))
      throw new HarnessError("NO_FAKE_CLOCK", "advance() needs createHarness({ clock: new FakeClock(...) })");
    for (let left = ms; left > 0; left -= stepMs) {
      clock.advance(Math.min(stepMs, left));
      // Deliveries are microtasks, but what they start may take a macrotask (a strategy's exit).
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    }
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

  /** Stops the bot, then kills the strategies still running, then closes the bot's IPC. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.runtime.stop();
    for (const s of this.strategies.values()) await s.kill();
    await this.ipc.stop();
    this.state?.close();
  }
}
