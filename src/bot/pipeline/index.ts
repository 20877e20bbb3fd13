/**
 * The bot core: a chat command goes through small stages, each one concern, in this order:
 * audit (outer: one `command.done` / `command.denied` whatever happens) → who (person, role,
 * not forwarded) → parse (known command, role allowed, zod) → stale (no backlog) → confirm
 * (buttons, when required) → run (the handler with its narrow context).
 */
import { langOf } from "../../i18n/index.ts";
import { tokenize } from "../tokenizer.ts";
import { audit } from "./audit.ts";
import { compose } from "./compose.ts";
import { confirm } from "./confirm.ts";
import type { IncomingMessage, Invocation, PipelineDeps } from "./invocation.ts";
import { parse } from "./parse.ts";
import { run } from "./run.ts";
import { stale } from "./stale.ts";
import { who } from "./who.ts";

export type { IncomingMessage, InflightMessages, PipelineDeps } from "./invocation.ts";
export { STALE_COMMAND_MS } from "./stale.ts";

/**
 * The message handler: text that is not a command for this bot is ignored; a command runs through
 * every stage, answered in the sender's language. Resolves when the command is done (a
 * confirmation wait included).
 *
 * @example
 * const handle = createPipeline(deps);
 * await handle({ userId: 42, userName: "ann", chatId: 42, text: "/ping mm1" }, "missionctl_bot");
 */
export function createPipeline(
  deps: PipelineDeps,
): (message: IncomingMessage, botUsername?: string) => Promise<void> {
  const chain = compose<Invocation>([
    audit(deps),
    who(deps),
    parse(deps),
    stale(deps),
    confirm(deps),
    run(deps),
  ]);
  return async (message, botUsername) => {
    const parsed = tokenize(message.text, botUsername);
    if (!parsed) return;
    await chain({
      message,
      name: parsed.name,
      tokens: parsed.tokens,
      lang: langOf(message.languageCode, deps.config.MISSIONCTL_LANG),
      record: { targets: [], commandIds: [], outcome: "ok", processes: [] },
    });
  };
}
