/**
 * Prometheus metrics and the health check of the bot (docs/operations.md): a registry filled by
 * {@link attachBotMetrics}, served with `/healthz` by {@link startMetricsServer}.
 *
 * @example
 * const server = await startMetricsServer({ host: "127.0.0.1", port: 9464 });
 * const detach = attachBotMetrics(server.registry, { runtime, ipc, state, health: server.health });
 * const unwatch = watchPollingHealth(runtime.bot, server.health); // polling mode
 */
export { ALERT_KINDS } from "./alerts.ts";
export { attachBotMetrics, type BotMetricsOptions } from "./bot-metrics.ts";
export { MetricsError, type MetricsErrorCode } from "./errors.ts";
export { BotHealth, HEALTH_PARTS, type HealthPart } from "./health.ts";
export { ipcHealthy, watchIpcHealth } from "./ipc-health.ts";
export { POLLING_FAILURES_BEFORE_DOWN, watchPollingHealth } from "./polling-health.ts";
export { LIVENESS_STATES } from "./process-gauges.ts";
export { ROUND_TRIP_BUCKETS } from "./round-trips.ts";
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from "./server.ts";
export { RETRY_CAUSES, retryCause } from "./telegram-retries.ts";
