/**
 * The bot's one Telegram client: telegraf's `Telegram` with every Bot API call retried (429, 5xx,
 * network) and abortable when the bot stops. Installed as `telegraf.telegram`, so long polling, the
 * chat commands and the alert notifier all go through it.
 */
import { Telegram } from "telegraf";
import { linkSignals } from "../bot/stopping.ts";
import { classifyTelegramError, type RetryOptions, withTelegramRetry } from "./retry.ts";

/** The raw Bot API call: method name and JSON payload in, `result` out (or a thrown TelegramError). */
export type CallApi = (
  method: string,
  payload: Record<string, unknown>,
  options?: { signal?: AbortSignal },
) => Promise<unknown>;

export interface RetryingTelegramOptions {
  apiRoot: string;
  /** Replaces the HTTP call (a fake Telegram, the terminal demo); retries still wrap it. */
  callApi?: CallApi;
  retry?: RetryOptions;
}

type TelegramCallApi = Telegram["callApi"];

/**
 * One Bot API attempt, as {@link RetryingTelegram.observe} reports it (metrics, the health check):
 * `why` is set when it failed in a way that is retried (`429`, `502`, `ECONNRESET`, ...), by the
 * retry layer or by the caller of `callOnce` (the alert notifier's queues classify the same way).
 */
export interface ApiAttempt {
  method: string;
  ok: boolean;
  why?: string;
}

/** Hears every Bot API attempt; what it throws is ignored. */
export type ApiObserver = (attempt: ApiAttempt) => void;

/**
 * A Telegram client whose `callApi` retries. `callOnce` is the same call without the retry, for
 * callers that retry themselves (the alert notifier's ordered per-chat queues); `stop()` ends every
 * call still waiting or retrying.
 *
 * @example
 * const client = new RetryingTelegram(token, { apiRoot, retry: { clock } });
 * telegraf.telegram = client;
 * await client.sendMessage(42, "hi"); // retried on 429 / 5xx / network errors
 * client.stop();
 */
export class RetryingTelegram extends Telegram {
  readonly #stopping = new AbortController();
  readonly #raw: CallApi;
  readonly #retry: RetryOptions;
  readonly #observers = new Set<ApiObserver>();

  constructor(token: string, options: RetryingTelegramOptions) {
    super(token, { apiRoot: options.apiRoot });
    const raw: CallApi = options.callApi ?? ((method, payload, o) => this.#httpCall(method, payload, o));
    this.#raw = (method, payload, o) =>
      this.#observers.size === 0 ? raw(method, payload, o) : this.#observed(raw, method, payload, o);
    this.#retry = options.retry ?? {};
  }

  /**
   * Tells `observer` about every attempt from now on (each retry is an attempt); returns the
   * unsubscribe. Without observers an attempt costs nothing extra.
   *
   * @example
   * const stop = client.observe((a) => { if (a.why) retries.inc({ cause: a.why }); });
   */
  observe(observer: ApiObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  async #observed(
    raw: CallApi,
    method: string,
    payload: Record<string, unknown>,
    o?: { signal?: AbortSignal },
  ) {
    try {
      const result = await raw(method, payload, o);
      this.#tell({ method, ok: true });
      return result;
    } catch (err) {
      const decision = classifyTelegramError(err);
      this.#tell({ method, ok: false, ...(decision.retry ? { why: decision.why } : {}) });
      throw err;
    }
  }

  #tell(attempt: ApiAttempt): void {
    for (const observer of this.#observers) {
      try {
        observer(attempt);
      } catch {
        // An observer (a metric) must never change what a call does.
      }
    }
  }

  /** telegraf's own HTTP call, once. */
  #httpCall(method: string, payload: Record<string, unknown>, o?: { signal?: AbortSignal }) {
    const call = super.callApi as unknown as CallApi;
    return call.call(this, method, payload, o);
  }

  /** One attempt, cut short by `stop()` like every other call. */
  readonly callOnce: CallApi = async (method, payload, o) => {
    const linked = linkSignals(this.#stopping.signal, o?.signal);
    try {
      return await this.#raw(method, payload, { signal: linked.signal });
    } finally {
      linked.dispose();
    }
  };

  override callApi: TelegramCallApi = (async (
    method: string,
    payload: Record<string, unknown>,
    o?: { signal?: AbortSignal },
  ) => {
    const linked = linkSignals(this.#stopping.signal, o?.signal);
    const signal = linked.signal;
    try {
      return await withTelegramRetry(
        () => this.#raw(method, payload, { signal }),
        // Polling retries 5xx itself, but after a fixed 5 s sleep nothing can cut short; retried
        // here it stays abortable. No deadline: polling outlasts any outage.
        method === "getUpdates"
          ? { ...this.#retry, signal, deadlineMs: Number.POSITIVE_INFINITY, maxDelayMs: 5000 }
          : { ...this.#retry, signal },
      );
    } finally {
      linked.dispose();
    }
  }) as unknown as TelegramCallApi;

  /** Abandons every call still pending or retrying, and any made later. */
  stop(): void {
    this.#stopping.abort();
  }
}
