/**
 * Every metric of the bot on one prom-client registry (never the global one, so a process, or a
 * test, may hold several): per-process gauges, command round trips, alerts, dropped frames, Bot API
 * retries, the outbox depth, the health parts and the default Node process metrics.
 */
import { collectDefaultMetrics, type Registry } from "prom-client";
import { type Clock, systemClock } from "../clock.ts";
import type { LifecycleBus } from "../events.ts";
import type { MonitorApi } from "../monitor/types.ts";
import type { ApiObserver } from "../telegram/client.ts";
import { registerAlertCounter } from "./alerts.ts";
import { type DropCounts, registerFrameDrops } from "./frame-drops.ts";
import type { BotHealth } from "./health.ts";
import { registerHealthGauge } from "./health-gauge.ts";
import { type IpcState, watchIpcHealth } from "./ipc-health.ts";
import { type OutboxSize, registerOutboxDepth } from "./outbox-depth.ts";
import { registerProcessGauges } from "./process-gauges.ts";
import { registerRoundTrips } from "./round-trips.ts";
import { registerTelegramRetries } from "./telegram-retries.ts";

export interface BotMetricsOptions {
  /** The bot runtime (createBotRuntime): its monitor, bus and bot. */
  runtime: {
    monitor: Pick<MonitorApi, "processes">;
    bus: LifecycleBus;
    bot: {
      registry: { list: readonly { name: string }[] };
      observeApi(observer: ApiObserver): () => void;
    };
  };
  /** The IPC command system: its drop counters, and its state for the "ipc" health part. */
  ipc: IpcState & { drops: DropCounts };
  /** The state store, for the outbox depth (no gauge without one). */
  state?: { outbox: OutboxSize };
  /** Where `/healthz` reads: its "ipc" part is made to follow `ipc`. */
  health?: BotHealth;
  /** The runtime's clock (heartbeat ages, round trips). */
  clock?: Clock;
  /** prom-client's default Node process metrics (default true). */
  defaultMetrics?: boolean;
}

/**
 * Registers the bot's metrics on `registry` (once per registry); returns the function that stops
 * the listeners it added (bus, Bot API observer). Values are read at scrape time wherever the
 * source keeps them already, so nothing here adds work to the IPC receive path.
 *
 * @example
 * const registry = new Registry();
 * const detach = attachBotMetrics(registry, { runtime, ipc, state, health });
 * await registry.metrics(); // Prometheus text
 * detach();
 */
export function attachBotMetrics(registry: Registry, options: BotMetricsOptions): () => void {
  const { runtime, ipc } = options;
  const clock = options.clock ?? systemClock;
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  registerProcessGauges(registry, runtime.monitor, clock);
  const stops = [
    registerRoundTrips(registry, {
      bus: runtime.bus,
      clock,
      commands: runtime.bot.registry.list.map((c) => c.name),
    }),
    registerAlertCounter(registry, runtime.bus),
    registerTelegramRetries(registry, (observer) => runtime.bot.observeApi(observer)),
  ];
  registerFrameDrops(registry, ipc.drops);
  if (options.state) registerOutboxDepth(registry, options.state.outbox);
  if (options.health) {
    watchIpcHealth(ipc, options.health);
    registerHealthGauge(registry, options.health);
  }
  return () => {
    for (const stop of stops) stop();
  };
}
