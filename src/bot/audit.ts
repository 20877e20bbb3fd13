import type { LifecycleBus } from "../events.ts";
import type { Logger } from "../log.ts";

/**
 * Writes the audit log: one structured line per refused attempt and per finished command
 * (user, chat, command, targets, command_id, outcome), by observing the lifecycle bus.
 * Returns a function that detaches it.
 *
 * @example
 * const detach = attachAuditLog(bus, logger);
 */
export function attachAuditLog(bus: LifecycleBus, logger: Logger): () => void {
  const log = logger.child({ module: "audit" });
  const onReceived: (e: { userId: number; chatId: number; command: string }) => void = (e) =>
    log.debug({ user: e.userId, chat: e.chatId, command: e.command }, "command received");
  const onDenied: Parameters<typeof bus.on<"command.denied">>[1] = (e) =>
    log.info(
      {
        audit: true,
        user: e.userId,
        chat: e.chatId,
        command: e.command,
        targets: [],
        outcome: "denied",
        detail: e.reason,
      },
      "command denied",
    );
  const onDone: Parameters<typeof bus.on<"command.done">>[1] = (e) =>
    log.info(
      {
        audit: true,
        user: e.userId,
        chat: e.chatId,
        command: e.command,
        targets: e.targets,
        command_id: e.commandId,
        outcome: e.outcome,
        ...(e.detail ? { detail: e.detail } : {}),
      },
      "command done",
    );
  bus.on("command.received", onReceived);
  bus.on("command.denied", onDenied);
  bus.on("command.done", onDone);
  return () => {
    bus.off("command.received", onReceived);
    bus.off("command.denied", onDenied);
    bus.off("command.done", onDone);
  };
}
