/**
 * What `/healthz` answers (docs/operations.md): 200 while the bot reaches Telegram (long polling
 * answers, or the webhook is set and its server listens) and its IPC is up; 503 otherwise, with the
 * part that is down named in the body.
 */

/** The parts of the bot whose state `/healthz` reports. */
export type HealthPart = "telegram" | "ipc";

/**
 * A small mutable record of the bot's health, set by whoever knows (polling, the webhook server, the
 * IPC command system) and read by the metrics server.
 *
 * @example
 * const health = new BotHealth();
 * health.set("ipc", true);
 * health.set("telegram", true);
 * health.ok(); // true
 */
export class BotHealth {
  readonly #up = new Map<HealthPart, boolean>([
    ["telegram", false],
    ["ipc", false],
  ]);

  set(part: HealthPart, up: boolean): void {
    this.#up.set(part, up);
  }

  ok(): boolean {
    return [...this.#up.values()].every(Boolean);
  }

  /** The parts that are down, in a stable order: `["telegram"]`. */
  down(): HealthPart[] {
    return [...this.#up].filter(([, up]) => !up).map(([part]) => part);
  }
}
