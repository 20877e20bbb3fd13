/** The depth of the SQLite alert outbox, read at scrape time (one `count(*)`). */
import { Gauge, type Registry } from "prom-client";

/** What the gauge reads: the state store's `outbox`. */
export interface OutboxSize {
  size(): number;
}

/**
 * Registers `missionctl_alert_outbox_depth`: lines waiting for Telegram to accept them. A store that
 * cannot be read (closed during a stop) keeps the last value instead of failing the scrape.
 *
 * @example
 * registerOutboxDepth(registry, state.outbox);
 * // missionctl_alert_outbox_depth 0
 */
export function registerOutboxDepth(registry: Registry, outbox: OutboxSize): void {
  new Gauge({
    name: "missionctl_alert_outbox_depth",
    help: "Alert lines in the state's outbox, not yet accepted by Telegram",
    registers: [registry],
    collect() {
      try {
        this.set(outbox.size());
      } catch {
        // The database is closing: the last depth read is better than a scrape that fails.
      }
    },
  });
}
