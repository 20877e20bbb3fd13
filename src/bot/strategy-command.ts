import { z } from "zod";
import type { Localized } from "../i18n/index.ts";
import { flagsArg, targetArg, wordsArg } from "./args.ts";
import { type CommandDefinition, defineCommand, type HelpGroup, type Role } from "./types.ts";

/**
 * A chat command that sends one built-in strategy command to one target and shows each process's
 * reply with the state it reports (/ping, /pause, /resume, /wake). Operator commands that reach
 * several processes (`*`, `prefix*`) ask to confirm; viewer ones are read-only and never do.
 *
 * @example
 * export default strategyCommand({ name: "wake", role: "operator", help: localized((t) => t.help.wake) });
 */
export function strategyCommand(spec: {
  name: string;
  help: Localized;
  role: Role;
  group?: HelpGroup;
  order?: number;
  /** The IPC command type; defaults to the chat command's name. */
  commandType?: string;
}): CommandDefinition<{ target: string }> {
  const commandType = spec.commandType ?? spec.name;
  return defineCommand({
    name: spec.name,
    help: spec.help,
    usage: `/${spec.name} <target>`,
    role: spec.role,
    ...(spec.group ? { group: spec.group } : {}),
    ...(spec.order !== undefined ? { order: spec.order } : {}),
    schema: z
      .object({ args: wordsArg(targetArg, 1, 1, "target"), flags: flagsArg({}), text: z.string() })
      .transform((t) => ({ target: t.args[0] as string })),
    targets: (a) => [a.target],
    handler: async (ctx, { target }) => {
      await ctx.track({
        verb: spec.name,
        requests: [{ target, commandType }],
        describe: (r) => (typeof r.result?.state === "string" ? r.result.state : undefined),
      });
    },
  });
}
