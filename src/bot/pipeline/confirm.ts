import { catalog } from "../../i18n/index.ts";
import { isGroupTarget } from "../../ipc/ids.ts";
import { reachesMany } from "../args.ts";
import type { CommandDefinition } from "../types.ts";
import type { Middleware } from "./compose.ts";
import type { Invocation, PipelineDeps } from "./invocation.ts";

/**
 * Whether this invocation asks first: the command's own rule, or by default an operator command
 * whose targets reach more than one process. Read-only commands never ask.
 */
export function needsConfirmation(def: CommandDefinition, args: unknown): boolean {
  if (def.role === "viewer") return false;
  if (def.confirm) return def.confirm(args);
  return reachesMany(def.targets?.(args) ?? []);
}

/**
 * Asks with Confirm / Cancel buttons that only the requester can press, and waits for the answer
 * (or the expiry); runs the rest only when confirmed.
 *
 * @example
 * compose([..., stale(deps), confirm(deps), run(deps)]);
 */
export const confirm =
  (deps: Pick<PipelineDeps, "confirmations" | "ipc" | "clock">): Middleware<Invocation> =>
  async (inv, next) => {
    const { def, args, message, record } = inv;
    if (!def || !needsConfirmation(def, args)) return next();
    const targets = def.targets?.(args) ?? [];
    record.targets = targets;
    const groups = targets.filter(isGroupTarget);
    const reach = [...new Set(groups.flatMap((t) => deps.ipc.presence.matching(t)))];
    const answer = await deps.confirmations.ask({
      userId: message.userId,
      chatId: message.chatId,
      summary: message.text.trim().replace(/^\/(\w+)@\w+/, "/$1"),
      details: groups.length ? [catalog(inv.lang).bot.confirm.connectedNow({ ids: reach })] : [],
      lang: inv.lang,
    });
    // Only the requester's press answers; an expiry or the bot stopping (a detail says so) is nobody's.
    const pressed = answer.confirmed || (answer.outcome === "cancelled" && answer.detail === undefined);
    record.confirmation = {
      answer: answer.confirmed ? "confirmed" : answer.outcome,
      at: deps.clock.now(),
      ...(pressed ? { by: message.userId } : {}),
      ...(!answer.confirmed && answer.detail ? { detail: answer.detail } : {}),
      ...(answer.presses ? { presses: answer.presses } : {}),
    };
    if (!answer.confirmed) {
      record.outcome = answer.outcome;
      if (answer.detail) record.detail = answer.detail;
      return;
    }
    inv.answerInPlaceOf = answer.messageId;
    await next();
  };
