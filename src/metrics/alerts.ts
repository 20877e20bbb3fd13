/** Alerts by kind, counted from the lifecycle bus's `alert` events. */
import { Counter, type Registry } from "prom-client";
import { type LifecycleBus, listenAll } from "../events.ts";
import type { IncidentKind } from "../monitor/types.ts";

/**
 * Every incident kind; each starts at 0 so `rate()` sees the first alert.
 *
 * @example
 * ALERT_KINDS.includes("silent"); // true
 */
export const ALERT_KINDS: readonly IncidentKind[] = ["crashed", "disconnected", "silent"];

/**
 * Registers `missionctl_alerts_total{kind}` (first notices, repeats and folded flapping summaries
 * alike: every alert the notifier is asked to deliver); returns the function that stops listening.
 *
 * @example
 * const stop = registerAlertCounter(registry, bus);
 * // after a SIGKILL: missionctl_alerts_total{kind="disconnected"} 1
 */
export function registerAlertCounter(registry: Registry, bus: LifecycleBus): () => void {
  const counter = new Counter({
    name: "missionctl_alerts_total",
    help: "Alerts raised, by incident kind (first notices, repeats and flapping summaries)",
    labelNames: ["kind"],
    registers: [registry],
  });
  const kinds = new Set<string>(ALERT_KINDS);
  for (const kind of ALERT_KINDS) counter.inc({ kind }, 0);
  return listenAll(bus, {
    alert: (e) => counter.inc({ kind: kinds.has(e.kind) ? e.kind : "other" }),
  });
}
