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
    const def = deps.registry.byName.get(inv.name);
    if (!def) {
      return refuse(
        deps,
        inv,
        "invalid",
        "unknown command",
        `Unknown command /${inv.name}. Send /help for the list.`,
      );
    }
    const role = inv.role ?? "viewer";
    if (!allows(role, def.role)) {
      return deny(
        deps,
        inv,
        `needs ${def.role}`,
        `/${def.name} needs the ${def.role} role; you are a ${role}.`,
      );
    }
    inv.def = def;
    const checked = def.schema.safeParse(inv.tokens);
    if (!checked.success) {
      const problems = [...new Set(checked.error.issues.map((i) => i.message))];
      return refuse(deps, inv, "invalid", problems.join("; "), `Usage: ${def.usage}\n${problems.join("\n")}`);
    }
    inv.args = checked.data;
    await next();
  };
