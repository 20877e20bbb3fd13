import { z } from "zod";
import { argIssue, commandTypeArg, targetArg } from "../src/bot/args.ts";
import { defineCommand } from "../src/bot/types.ts";
import { compactJson } from "../src/bot/views.ts";
import { localized } from "../src/i18n/index.ts";

/** The JSON after `<target> <command_type>`, taken from the raw text because it may hold spaces. */
const payloadArg = z.string().transform((text, ctx): Record<string, unknown> => {
  const json = text.replace(/^\S+\s+\S+\s*/, "").trim();
  if (json === "" || /^\S+$/.test(text.trim())) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    ctx.addIssue(argIssue("payloadNotJson", { json: json.slice(0, 100) }));
    return z.NEVER;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    ctx.addIssue(argIssue("payloadNotObject"));
    return z.NEVER;
  }
  return value as Record<string, unknown>;
});

/** /send <target> <command_type> [json]: any command type, for what has no chat command of its own. */
export default defineCommand({
  name: "send",
  help: localized((t) => t.help.send),
  usage: "/send <target> <command_type> [json]",
  role: "operator",
  group: "control",
  order: 50,
  // Raw commands can do anything: always confirmed.
  confirm: () => true,
  schema: z
    .object({ args: z.array(z.string()), text: z.string() })
    .superRefine((t, ctx) => {
      if (t.args.length < 2) ctx.addIssue(argIssue("missingTargetType"));
    })
    .pipe(
      z.object({
        args: z.tuple(
          [
            targetArg,
            commandTypeArg.superRefine((s, ctx) => {
              if (s === "reply") ctx.addIssue(argIssue("noReplies"));
            }),
          ],
          z.string(),
        ),
        text: payloadArg,
      }),
    )
    .transform((t) => ({ target: t.args[0], commandType: t.args[1], payload: t.text })),
  targets: (a) => [a.target],
  handler: async (ctx, { target, commandType, payload }) => {
    await ctx.track({
      verb: `send ${commandType}`,
      requests: [{ target, commandType, payload }],
      describe: (r) => (r.result && Object.keys(r.result).length ? compactJson(r.result) : undefined),
    });
  },
});
