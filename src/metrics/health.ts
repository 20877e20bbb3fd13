/**
 * What `/healthz` answers (docs/operations.md): 200 while the bot reaches Telegram (long polling
 * answers, or the webhook is set and its server listens) and its IPC is up; 503 otherwise, with the
 * part that is down named in the body.
 */

/** The parts of the bot whose state `/healthz` reports. */
export type HealthPart = "telegram" | "ipc";

/**
 * Every part, in the order `down()` names them.
 *
 * @example
 * for (const part of HEALTH_PARTS) console.log(part, health.isUp(part));
 */
export const HEALTH_PARTS: readonly HealthPart[] = ["telegram", "ipc"];

/**
 * A small mutable record of the bot's health, set by whoever knows (polling, the webhook server, the
 * IPC command system) and read by the metrics server. A part is either set (`set`) or read from its
 * source at each check (`probe`), whichever was given last.
 *
 * @example
 * const health = new BotHealth();
 * health.probe("ipc", () => ipc.started);
 * health.set("telegram", true);
 * health.ok(); // true while the IPC is started
 */
export class BotHealth {
  readonly #up = new Map<HealthPart, boolean | (() => boolean)>([
    ["telegram", false],
    ["ipc", false],
  ]);

  set(part: HealthPart, up: boolean): void {
    this.#up.set(part, up);
  }

  /**
   * Reads `part` from `source` at every check, so it cannot go stale (a state that has no event for
   * every change, such as a command system being stopped). A source that throws counts as down.
   */
  probe(part: HealthPart, source: () => boolean): void {
    this.#up.set(part, source);
  }

  /** Whether one part is up right now. */
  isUp(part: HealthPart): boolean {
    const value = this.#up.get(part) ?? false;
    if (typeof value === "boolean") return value;
    try {
      return value();
    } catch {
      return false;
    }
  }

  ok(): boolean {
    return HEALTH_PARTS.every((part) => this.isUp(part));
  }

  /** The parts that are down, in a stable order: `["telegram"]`. */
  down(): HealthPart[] {
    return HEALTH_PARTS.filter((part) => !this.isUp(part));
  }
}
