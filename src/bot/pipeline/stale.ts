import { catalog } from "../../i18n/index.ts";
import type { Middleware } from "./compose.ts";
import { type Invocation, type PipelineDeps, refuse } from "./invocation.ts";

/**
 * Operator commands older than this are not run: after the bot was down, Telegram delivers the
 * backlog, and an `/exit *` typed ten minutes ago must not fire now, unseen.
 */
export const STALE_COMMAND_MS = 120_000;

/**
 * Refuses an operator command from a backlog (sent more than {@link STALE_COMMAND_MS} ago).
 *
 * @example
 * compose([..., parse(deps), stale(deps), confirm(deps), run(deps)]);
 */
export const stale =
  (deps: Pick<PipelineDeps, "clock" | "chat">): Middleware<Invocation> =>
  async (inv, next) => {
    const { sentAt, text } = inv.message;
    const age = sentAt === undefined ? 0 : deps.clock.now() - sentAt;
    if (inv.def?.role === "operator" && age > STALE_COMMAND_MS) {
      return refuse(
        deps,
        inv,
        "expired",
        `sent ${Math.round(age / 1000)} s ago`,
        catalog(inv.lang).bot.stale({ text: text.trim(), ageMs: age }),
      );
    }
    await next();
  };
