/** `/healthz` as a metric, so Prometheus (which scrapes `/metrics`) can alert on it too. */
import { Gauge, type Registry } from "prom-client";
import { type BotHealth, HEALTH_PARTS } from "./health.ts";

/**
 * Registers `missionctl_health{part}`: 1 while the part (`telegram`, `ipc`) is up, read from
 * `health` at scrape time, exactly what `/healthz` answers from.
 *
 * @example
 * registerHealthGauge(registry, health);
 * // missionctl_health{part="ipc"} 1
 */
export function registerHealthGauge(registry: Registry, health: BotHealth): void {
  new Gauge({
    name: "missionctl_health",
    help: "1 while this part of the bot is up (telegram: polling answers or the webhook is set; ipc), else 0",
    labelNames: ["part"],
    registers: [registry],
    collect() {
      for (const part of HEALTH_PARTS) this.set({ part }, health.isUp(part) ? 1 : 0);
    },
  });
}
