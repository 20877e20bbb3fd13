/**
 * The demo strategies' trading (docs/position-sync.md): each session is recorded in
 * sessions.jsonl, every step sends one order to the simulated executor, and a clean exit writes
 * account.json and its backup. A `kill -9` leaves the session open and the fills only in the
 * executor's log: what `/sync` repairs.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Account, parseAccount, serializeAccount } from "../recovery/account.ts";
import { atomicWriteFile } from "../recovery/atomic-write.ts";
import { replay } from "../recovery/replay.ts";
import type { Trade } from "../recovery/trade-log.ts";
import type { StepContext } from "../strategy/types.ts";

/**
 * The environment variable the demo sets for its strategy children only: JSON `{base, executor,
 * strategy}`. Internal to the demo, so it is not part of the configuration.
 */
export const DEMO_TRADING_ENV = "MISSIONCTL_DEMO_TRADING";

/** Where a demo strategy keeps its files, and whom it trades through. */
export interface DemoTradingOptions {
  base: string;
  executor: string;
  strategy: string;
}

const utcDay = (): string => new Date().toISOString().slice(0, 10).replaceAll("-", "");

/** Appends one JSON line and fsyncs it: a session event must survive the crash it is there to show. */
function appendLine(file: string, value: object): void {
  appendFileSync(file, `${JSON.stringify(value)}\n`);
  const fd = openSync(file, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * One session of a demo strategy's trading.
 *
 * @example
 * const trading = DemoTrading.fromEnv(process.env);
 * // in each step: await trading?.step(ctx);  at exit: trading?.end(code);
 */
export class DemoTrading {
  readonly session = randomUUID();
  readonly day = utcDay();
  readonly #trades: Trade[] = [];
  readonly #baseline: Account;

  constructor(readonly options: DemoTradingOptions) {
    mkdirSync(join(options.base, "account_backup"), { recursive: true });
    const file = join(options.base, "account.json");
    this.#baseline = existsSync(file)
      ? parseAccount(readFileSync(file, "utf8"), file)
      : { trading_day: this.day, session: undefined, positions: [], raw: { strategy: options.strategy } };
    appendLine(join(options.base, "sessions.jsonl"), {
      session: this.session,
      event: "start",
      ts: new Date().toISOString(),
      trading_day: this.day,
    });
  }

  /** Reads {@link DEMO_TRADING_ENV}; undefined outside the demo. */
  static fromEnv(env: NodeJS.ProcessEnv): DemoTrading | undefined {
    const raw = env[DEMO_TRADING_ENV];
    return raw ? new DemoTrading(JSON.parse(raw) as DemoTradingOptions) : undefined;
  }

  #book() {
    return replay(this.#baseline.positions, this.#baseline.trading_day, this.day, this.#trades);
  }

  /** Sends one order (open a lot, or close one of today's) and books it when the executor filled it. */
  async step(ctx: StepContext): Promise<void> {
    const { executor, strategy } = this.options;
    ctx.ipc.connectToProcess(executor);
    const long = this.#book().positions.find((p) => p.side === "long");
    const close = (long?.today ?? 0) > 0 && Math.random() < 0.4;
    const order = {
      source: `${strategy}#${this.session}`,
      symbol: "rb2605",
      exchange: "SHFE",
      direction: close ? "sell" : "buy",
      offset: close ? "close_today" : "open",
      qty: 1,
      price: 3500 + Math.round(Math.random() * 20),
    } as const;
    const r = await ctx.ipc.request(executor, "order", { ...order }, { timeoutMs: 2000, signal: ctx.signal });
    const reply = r.terminal.get(executor);
    if (reply?.status !== "ok" || reply.result?.filled !== true) {
      ctx.log.warn({ executor, reply: reply?.error }, "order not filled");
      return;
    }
    const id = String(reply.result.trade_id);
    this.#trades.push({
      ...order,
      day: this.day,
      file: "(demo)",
      line: this.#trades.length + 1,
      trade_id: id,
    });
    ctx.log.info({ order }, "order filled");
  }

  /** At exit: a clean one (code 0) writes the account and its backup, then the `end` event. */
  end(exitCode: number): void {
    const { base } = this.options;
    if (exitCode === 0) {
      const r = this.#book();
      const text = serializeAccount({
        ...this.#baseline,
        session: this.session,
        trading_day: r.trading_day,
        positions: r.positions,
      });
      atomicWriteFile(join(base, "account_backup", `${r.trading_day}_${this.session}.json`), text);
      atomicWriteFile(join(base, "account.json"), text);
    }
    appendLine(join(base, "sessions.jsonl"), {
      session: this.session,
      event: "end",
      ts: new Date().toISOString(),
      trading_day: this.day,
      exit_code: exitCode,
    });
  }
}
