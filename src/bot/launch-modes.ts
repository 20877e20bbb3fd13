/**
 * Where the bot's updates come from, started and stopped: long polling (telegraf fetches them with
 * getUpdates), or webhook mode (Telegram posts them to ./webhook.ts's server). Either way each update
 * goes to telegraf's handleUpdate, the one path createBot (./create-bot.ts) builds.
 */
import type { Telegraf, Telegram } from "telegraf";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { registerWebhook, startWebhookServer, WebhookError, type WebhookServer } from "./webhook.ts";

/** Options of webhook mode (`BotHandle.launchWebhook`, ./create-bot.ts). */
export interface WebhookLaunchOptions {
  /**
   * Told `true` once setWebhook succeeded and the server listens, `false` once the server closed:
   * what `/healthz` reports as "telegram" in webhook mode (`(up) => health.set("telegram", up)`).
   */
  onHealth?: (up: boolean) => void;
  /** Listen here instead of TELEGRAM_WEBHOOK_LISTEN (tests: port 0). */
  listen?: { host: string; port: number };
  /** Largest update body accepted (default 1 MiB). */
  maxBodyBytes?: number;
}

/**
 * Long polling of one telegraf instance, and whether it is polling (the health check).
 *
 * @example
 * const polling = new PollingMode(telegraf);
 * await polling.launch((err) => err && log.fatal({ err }, "polling stopped"));
 * polling.stop();
 */
export class PollingMode {
  #polling = false;

  constructor(private readonly telegraf: Telegraf) {}

  /** True from the moment long polling has started until it stops or fails. */
  get running(): boolean {
    return this.#polling;
  }

  /** Starts long polling; resolves once polling has started. `onStopped` hears how polling ended. */
  launch(onStopped?: (err?: unknown) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let started = false;
      this.telegraf
        .launch({ dropPendingUpdates: false }, () => {
          started = true;
          this.#polling = true;
          resolve();
        })
        .then(
          () => onStopped?.(),
          (err) => {
            this.#polling = false;
            if (started) onStopped?.(err);
            else reject(err);
          },
        );
    });
  }

  /** Stops polling, if it runs. */
  stop(): void {
    if (!this.#polling) return;
    this.#polling = false;
    this.telegraf.stop("shutdown");
  }
}

/** What webhook mode needs of the bot. */
export interface WebhookModeDeps {
  config: Config;
  telegraf: Telegraf;
  /** The retrying client: getMe (when the identity is not known yet) and setWebhook. */
  client: Pick<Telegram, "getMe" | "setWebhook">;
  /** The webhook server's logger (it names its own module). */
  logger: Logger;
  /** The bot's logger. */
  log: Logger;
}

/**
 * Webhook mode of one bot: the server listening, then setWebhook; close() ends the server and
 * leaves the webhook set.
 *
 * @example
 * const webhook = new WebhookMode({ config, telegraf, client, logger, log });
 * const address = await webhook.launch({ onHealth: (up) => health.set("telegram", up) });
 * await webhook.close();
 */
export class WebhookMode {
  #running: { server: WebhookServer; onHealth?: (up: boolean) => void } | undefined;

  constructor(private readonly deps: WebhookModeDeps) {}

  /**
   * Listens on TELEGRAM_WEBHOOK_LISTEN, gets the bot's identity, then setWebhook with the URL and
   * secret; resolves with the address it listens on once Telegram accepted it, or rejects with a
   * WebhookError (`NOT_CONFIGURED`, `LISTEN`, `SET_WEBHOOK`) or the abort of a stop during start-up.
   */
  async launch(o: WebhookLaunchOptions = {}): Promise<WebhookServer["address"]> {
    const { config, telegraf, client, log } = this.deps;
    const url = config.TELEGRAM_WEBHOOK_URL;
    const secret = config.TELEGRAM_WEBHOOK_SECRET;
    if (!url || !secret)
      throw new WebhookError(
        "NOT_CONFIGURED",
        "webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET",
      );
    // Listening before setWebhook: Telegram may post (queued updates) as soon as it accepts it.
    const server = await startWebhookServer({
      url,
      secret,
      listen: o.listen ?? config.TELEGRAM_WEBHOOK_LISTEN,
      // The very path long polling feeds: dedupe, auth, confirmations, detached commands.
      handleUpdate: (update) => telegraf.handleUpdate(update),
      logger: this.deps.logger,
      ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    });
    this.#running = { server, ...(o.onHealth ? { onHealth: o.onHealth } : {}) };
    try {
      telegraf.botInfo ??= await client.getMe();
      await registerWebhook(client, url, secret);
    } catch (err) {
      this.#running = undefined;
      await server.close(0);
      throw err;
    }
    log.info(
      { listen: `${server.address.host}:${server.address.port}`, path: server.path },
      "webhook set; Telegram posts updates to it",
    );
    o.onHealth?.(true);
    return server.address;
  }

  /**
   * No new update from here: closes the server (if it runs), then tells `onHealth` false. The
   * webhook itself stays set (another instance may take over, and Telegram keeps what arrives
   * meanwhile queued).
   */
  async close(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    await running.server.close();
    running.onHealth?.(false);
  }
}
