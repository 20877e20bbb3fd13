import type { Clock } from "../clock.ts";
import type { LifecycleBus } from "../events.ts";
import { listenAll } from "../events.ts";
import type { Logger } from "../log.ts";
import type { AuditEntry, AuditStore } from "../state/audit.ts";

/**
 * Keeps every chat command in the state database (docs/state.md), by observing the lifecycle bus
 * like the audit log does: who (id, name, role), where, what they typed, the targets, the
 * confirmation (who pressed what), each process's outcome and time, and every denial. Read back by
 * `/history` and `missionctl history`. Returns a function that detaches it.
 *
 * @example
 * const detach = attachAuditStore(bus, state.audit, clock, logger);
 */
export function attachAuditStore(
  bus: LifecycleBus,
  audit: AuditStore,
  clock: Clock,
  logger: Logger,
): () => void {
  const log = logger.child({ module: "audit" });
  const write = (entry: AuditEntry) => {
    try {
      audit.record(entry);
    } catch (err) {
      // The log line of the audit log still has it; /history will miss it.
      log.error({ err, command: entry.command, user: entry.userId }, "could not store the audit record");
    }
  };
  /** What every record starts with: who, where, what was typed, when. */
  const common = (e: {
    startedAt?: number;
    userId: number;
    userName?: string;
    chatId: number;
    text?: string;
    command: string;
    role?: AuditEntry["role"];
  }) => {
    const now = clock.now();
    return {
      at: e.startedAt ?? now,
      finishedAt: now,
      userId: e.userId,
      ...(e.userName ? { userName: e.userName } : {}),
      chatId: e.chatId,
      text: e.text ?? `/${e.command}`,
      command: e.command,
      ...(e.role ? { role: e.role } : {}),
    };
  };
  return listenAll(bus, {
    "command.denied": (e) =>
      write({ ...common(e), targets: [], outcome: "denied", denied: e.reason, processes: [] }),
    "command.done": (e) =>
      write({
        ...common(e),
        targets: e.targets,
        outcome: e.outcome,
        ...(e.detail ? { detail: e.detail } : {}),
        ...(e.confirmation ? { confirmation: e.confirmation } : {}),
        ...(e.commandId ? { commandIds: e.commandId.split(",") } : {}),
        processes: e.processes ?? [],
      }),
  });
}
