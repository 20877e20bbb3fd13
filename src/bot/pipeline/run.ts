import { catalog } from "../../i18n/index.ts";
import { isAbortError } from "../../telegram/retry.ts";
import type { Middleware } from "./compose.ts";
import { commandContext } from "./context.ts";
import { type Invocation, type PipelineDeps, say } from "./invocation.ts";

/**
 * The last stage: runs the command's handler with its narrow context. A handler that throws is
 * the command failing: recorded, and the user told in one line.
 *
 * @example
 * compose([..., confirm(deps), run(deps)]);
 */
export const run =
  (deps: PipelineDeps): Middleware<Invocation> =>
  async (inv) => {
    const { def, record } = inv;
    if (!def) return;
    if (record.targets.length === 0) record.targets = def.targets?.(inv.args) ?? [];
    try {
      await def.handler(commandContext(deps, inv, def), inv.args);
    } catch (err) {
      // A stop cuts the answer short: the audit stage records that, it is no failure of the command.
      if (isAbortError(err)) throw err;
      const text = err instanceof Error ? err.message : String(err);
      deps.log.error({ err, command: def.name }, "command handler failed");
      record.outcome = "error";
      record.detail = text;
      const failed = catalog(inv.lang).bot.failed({ command: def.name, error: text.slice(0, 300) });
      await say(deps, inv, failed).catch(() => {});
    }
  };
