import { catalog } from "../../i18n/index.ts";
import { roleOf } from "../auth.ts";
import type { Middleware } from "./compose.ts";
import { deny, type Invocation, type PipelineDeps } from "./invocation.ts";

/**
 * Who is asking: a person (not a group or channel speaking), known as operator or viewer, typing
 * the command themselves (not forwarding someone's). Sets `inv.role`.
 *
 * @example
 * compose([audit(deps), who(deps), ...]);
 */
export const who =
  (deps: Pick<PipelineDeps, "config" | "chat">): Middleware<Invocation> =>
  async (inv, next) => {
    const { relayed, userId } = inv.message;
    const t = catalog(inv.lang);
    // Before authorization: the id of a message sent as a chat is Telegram's stand-in, not a user's.
    if (relayed === "sender_chat") return deny(deps, inv, "sender_chat message", t.bot.senderChat);
    const role = roleOf(deps.config, userId);
    if (!role) return deny(deps, inv, "not authorized", t.bot.notAuthorized({ userId }));
    // After it: a stranger hears the one line promised, whatever they sent.
    if (relayed === "forwarded") return deny(deps, inv, "forwarded message", t.bot.forwarded);
    inv.role = role;
    await next();
  };
