import { notAuthorizedText, roleOf } from "../auth.ts";
import type { Middleware } from "./compose.ts";
import { deny, type Invocation, type PipelineDeps } from "./invocation.ts";

/** What the bot says instead of running a relayed command (one line). */
export const RELAYED_TEXT = {
  forwarded: "Forwarded commands are not run: type the command yourself.",
  sender_chat: "Commands sent as a group or channel are not run: send the command as yourself.",
} as const;

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
    // Before authorization: the id of a message sent as a chat is Telegram's stand-in, not a user's.
    if (relayed === "sender_chat") return deny(deps, inv, "sender_chat message", RELAYED_TEXT.sender_chat);
    const role = roleOf(deps.config, userId);
    if (!role) return deny(deps, inv, "not authorized", notAuthorizedText(userId));
    // After it: a stranger hears the one line promised, whatever they sent.
    if (relayed === "forwarded") return deny(deps, inv, "forwarded message", RELAYED_TEXT.forwarded);
    inv.role = role;
    await next();
  };
