import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CommandHandler } from "../ipc/handlers.ts";

/** An order the demo strategies send to the simulated executor (type `order`). */
export interface SimOrder {
  source: string;
  symbol: string;
  exchange: string;
  direction: "buy" | "sell";
  offset: "open" | "close" | "close_today" | "close_yesterday";
  qty: number;
  price: number;
  /** Keep it pending instead of filling at once (a resting order a crash leaves behind). */
  rest?: boolean;
}

/** Options of the simulated executor: where its log goes, and a trading-day clock. */
export interface SimExecutorOptions {
  logDir: string;
  /** YYYYMMDD of now; default: the UTC date. */
  tradingDay?: () => string;
  /** When true, `cancel` sends cancel requests that the simulated exchange ignores (orders stay). */
  stubbornCancel?: boolean;
}

const utcDay = (): string => new Date().toISOString().slice(0, 10).replaceAll("-", "");

/**
 * A simulated trade executor (docs/position-sync.md): answers `info`, `cancel`, `has_pending_order`
 * and `flush_log` for a `source`, keeps resting orders per source, and appends every fill to
 * `{logDir}/{trading_day}.jsonl`, the format a sync replays. `order` is the demo's own type.
 *
 * @example
 * const te = new SimExecutor({ logDir: "/tmp/te1" });
 * for (const [type, h] of Object.entries(te.handlers())) ipc.registerHandler(type, h);
 */
export class SimExecutor {
  readonly #pending = new Map<string, Map<string, SimOrder>>();
  readonly #trades = new Map<string, number>();
  #seq = 0;
  constructor(readonly options: SimExecutorOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  /** The log file of the current trading day. */
  logFile(): string {
    return join(this.options.logDir, `${(this.options.tradingDay ?? utcDay)()}.jsonl`);
  }

  /** Places an order: fills it (appending a trade line) or keeps it resting. Returns its order id. */
  place(order: SimOrder): { order_id: string; filled: boolean; trade_id?: string } {
    // A bad order must not reach the log: a sync would then refuse the whole day.
    const bad =
      typeof order.source !== "string" ||
      typeof order.symbol !== "string" ||
      typeof order.exchange !== "string" ||
      !["buy", "sell"].includes(order.direction) ||
      !["open", "close", "close_today", "close_yesterday"].includes(order.offset) ||
      !Number.isInteger(order.qty) ||
      order.qty <= 0 ||
      !Number.isFinite(order.price);
    if (bad) throw new Error("order needs source, symbol, exchange, direction, offset, qty > 0 and price");
    this.#seq += 1;
    const order_id = `${process.pid}-${Date.now()}-${this.#seq}`;
    if (order.rest) {
      const book = this.#pending.get(order.source) ?? new Map<string, SimOrder>();
      book.set(order_id, order);
      this.#pending.set(order.source, book);
      return { order_id, filled: false };
    }
    const trade_id = `T${order_id}`;
    const { rest: _rest, ...fill } = order;
    const line = { type: "trade", ts: new Date().toISOString(), ...fill, trade_id, order_id };
    appendFileSync(this.logFile(), `${JSON.stringify(line)}\n`);
    this.#trades.set(order.source, (this.#trades.get(order.source) ?? 0) + 1);
    return { order_id, filled: true, trade_id };
  }

  /** The four types of docs/position-sync.md, plus `order`, as IPC handlers. */
  handlers(): Record<string, CommandHandler> {
    const src = (payload: Record<string, unknown>): string => {
      if (typeof payload.source !== "string" || payload.source === "")
        throw new Error("payload.source missing");
      return payload.source;
    };
    return {
      info: (c) => {
        const source = src(c.payload);
        return {
          source,
          pending_orders: this.#pending.get(source)?.size ?? 0,
          trades: this.#trades.get(source) ?? 0,
        };
      },
      cancel: (c) => {
        const source = src(c.payload);
        const book = this.#pending.get(source);
        const canceled_orders = book?.size ?? 0;
        if (book && !this.options.stubbornCancel) book.clear();
        return { source, canceled_orders };
      },
      has_pending_order: (c) => {
        const source = src(c.payload);
        return { source, pending: (this.#pending.get(source)?.size ?? 0) > 0 };
      },
      flush_log: (c) => {
        const source = src(c.payload);
        const log_file = this.logFile();
        appendFileSync(log_file, "");
        const fd = openSync(log_file, "r+");
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        return { source, log_file, bytes: statSync(log_file).size };
      },
      order: (c) => this.place(c.payload as unknown as SimOrder),
      // Like every process on the bus, it answers `/ping *` and `/status` (docs/protocol.md).
      ping: () => ({ state: "running" }),
      status: () => ({
        state: "running",
        pending_orders: [...this.#pending.values()].reduce((n, b) => n + b.size, 0),
      }),
    };
  }
}
