/**
 * Liveness monitor and alert delivery (issue 5). The bot creates one monitor on its IPC command
 * system and one notifier on the lifecycle bus; commands (/mute, /unmute, /alerts, /status) use
 * {@link MonitorApi}.
 *
 * @example
 * const monitor = createMonitor({ ipc, bus });
 * const notifier = createAlertNotifier({ bus, chats: [123], send: (chat, text) => api.sendMessage(chat, text) });
 * monitor.start();
 */

export { MonitorError, type MonitorErrorCode } from "./errors.ts";
export type { Monitor, MonitorOptions } from "./monitor.ts";
export { createMonitor } from "./monitor.ts";
export type { AlertNotifier, AlertNotifierOptions, SendOptions } from "./notifier.ts";
export { createAlertNotifier } from "./notifier.ts";
export type { Incident, IncidentKind, LivenessState, MonitorApi, Mute, ProcessView } from "./types.ts";
