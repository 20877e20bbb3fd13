import { issueText } from "../../i18n/arg-issue.ts";
import { catalog, type Lang } from "../../i18n/index.ts";
import { allows } from "../auth.ts";
import type { Middleware } from "./compose.ts";
import { deny, type Invocation, type PipelineDeps, refuse } from "./invocation.ts";

/**
 * Which command, allowed for this role, with arguments its zod schema accepts. Sets `inv.def` and
 * `inv.args`.
 *
 * @example
 * compose([audit(deps), who(deps), parse(deps), ...]);
 */
export const parse =
  (deps: Pick<PipelineDeps, "registry" | "chat">): Middleware<Invocation> =>
  async (inv, next) => {
    const t = catalog(inv.lang);
    const def = deps.registry.byName.get(inv.name);
    if (!def)
      return refuse(deps, inv, "invalid", "unknown command", t.bot.unknownCommand({ name: inv.name }));
    const role = inv.role ?? "viewer";
    if (!allows(role, def.role)) {
      return deny(
        deps,
        inv,
        `needs ${def.role}`,
        t.bot.needsRole({ command: def.name, needed: def.role, role }),
      );
    }
    inv.def = def;
    const checked = def.schema.safeParse(inv.tokens);
    if (!checked.success) {
      // The user reads the problems in their language; the audit keeps them in English.
      const unique = (lang: Lang) => [...new Set(checked.error.issues.map((i) => issueText(i, lang)))];
      const problems = unique(inv.lang);
      return refuse(
        deps,
        inv,
        "invalid",
        unique("en").join("; "),
        t.bot.usage({ usage: def.usage, problems }),
      );
    }
    inv.args = checked.data;
    await next();
  };
