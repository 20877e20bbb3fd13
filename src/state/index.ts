/**
 * The bot's durable state (docs/state.md): one SQLite database, and the only module that holds SQL.
 *
 * @example
 * const state = openState(config.MISSIONCTL_STATE);
 * const runtime = await createBotRuntime({ config, ipc, state });
 */
export type { AuditConfirmation, AuditEntry, AuditProcessResult, AuditRow, LiveMessageRow } from "./audit.ts";
export { AuditStore } from "./audit.ts";
export { StateError, type StateErrorCode } from "./errors.ts";
export { APPLICATION_ID, MIGRATIONS, migrate, SCHEMA_VERSION } from "./migrations.ts";
export { expandStatePath, MEMORY, type OpenStateOptions, openState, type StateStore } from "./open.ts";
export type { OutboxLine, OutboxRow } from "./outbox.ts";
export { OutboxStore } from "./outbox.ts";
export type { StoredIncident, StoredMute, StoredProcess } from "./processes.ts";
export { MonitorStore } from "./processes.ts";
