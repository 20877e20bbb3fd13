import { catalog } from "../../i18n/index.ts";
import { isAbortError } from "../../telegram/retry.ts";
import type { Middleware } from "./compose.ts";
import { type Invocation, type PipelineDeps, say } from "./invocation.ts";

/**
 * The outer stage: announces the command (`command.received`) and, whatever the stages inside do
 * (refuse, fail, throw), publishes exactly one `command.denied` or `command.done` in a `finally`.
 *
 * @example
 * compose([audit(deps), who(deps), parse(deps), stale(deps), confirm(deps), run(deps)]);
 */
export const audit =
  (deps: Pick<PipelineDeps, "bus" | "log" | "chat" | "clock">): Middleware<Invocation> =>
  async (inv, next) => {
    const { message, record } = inv;
    const { userId, chatId } = message;
    const startedAt = deps.clock.now();
    deps.bus.emit("command.received", { userId, chatId, command: inv.name, text: message.text });
    try {
      await next();
    } catch (err) {
      record.outcome = "error";
      record.detail = err instanceof Error ? err.message : String(err);
      // The bot is stopping: the answer was abandoned, nothing failed.
      if (isAbortError(err)) deps.log.info({ command: inv.name }, "command cut short by the stop");
      else {
        deps.log.error({ err, command: inv.name }, "message handling failed");
        await say(deps, inv, catalog(inv.lang).bot.somethingWrong).catch(() => {});
      }
    } finally {
      const command = inv.def?.name ?? inv.name;
      // For the durable audit (/history): who, what they typed, and how it went, process by process.
      const detail = {
        ...(message.userName ? { userName: message.userName } : {}),
        text: message.text,
        ...(inv.role ? { role: inv.role } : {}),
        startedAt,
        ...(record.confirmation ? { confirmation: record.confirmation } : {}),
        ...(record.processes.length ? { processes: record.processes } : {}),
      };
      if (record.denied !== undefined) {
        deps.bus.emit("command.denied", { userId, chatId, command, reason: record.denied, ...detail });
      } else {
        deps.bus.emit("command.done", {
          userId,
          chatId,
          command,
          targets: record.targets,
          outcome: record.outcome,
          ...(record.commandIds.length ? { commandId: record.commandIds.join(",") } : {}),
          ...(record.detail ? { detail: record.detail } : {}),
          ...detail,
        });
      }
    }
  };
