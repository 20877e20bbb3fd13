/**
 * Argument errors by catalog key. A command's zod schema raises an issue that carries the key and
 * its parameters; the parse stage renders it in the asking user's language. The issue's own
 * `message` is the English text, which is what the audit log keeps (logs stay English).
 */
import type { Catalog } from "./catalog.ts";
import { catalog, type Lang } from "./index.ts";

type ArgTexts = Catalog["args"];
/** The key of an argument error (src/i18n/en/args.ts). */
export type ArgKey = keyof ArgTexts;
/** The parameters an argument error takes; none for a fixed text. */
export type ArgParams<K extends ArgKey> = ArgTexts[K] extends (p: infer P) => string ? [params: P] : [];

/** A zod custom issue that knows its catalog key (a type, not an interface: zod wants an index signature). */
export type ArgIssue = {
  code: "custom";
  message: string;
  params: { i18n: { key: ArgKey; params?: unknown } };
};

function render(lang: Lang, key: ArgKey, params: unknown): string {
  const text = catalog(lang).args[key] as string | ((p: unknown) => string);
  return typeof text === "function" ? text(params) : text;
}

/**
 * The issue to add in a schema's refinement (`ctx.addIssue(argIssue(…))`).
 *
 * @example
 * z.string().superRefine((s, ctx) => { if (!ok(s)) ctx.addIssue(argIssue("notATarget", { input: s })); });
 */
export function argIssue<K extends ArgKey>(key: K, ...params: ArgParams<K>): ArgIssue {
  const [p] = params as unknown[];
  return { code: "custom", message: render("en", key, p), params: { i18n: { key, params: p } } };
}

/**
 * An issue of one parse raised again in another schema, keeping its catalog key.
 *
 * @example
 * for (const issue of result.error.issues) ctx.addIssue(relayIssue(issue));
 */
export function relayIssue(issue: { message: string; params?: unknown }): {
  code: "custom";
  message: string;
  params?: Record<string, unknown>;
} {
  const params = issue.params as Record<string, unknown> | undefined;
  return { code: "custom", message: issue.message, ...(params ? { params } : {}) };
}

/**
 * What a zod issue says, in `lang`: its catalog text when it has a key, else zod's own message.
 *
 * @example
 * const problems = result.error.issues.map((i) => issueText(i, "zh"));
 */
export function issueText(issue: { message: string; params?: unknown }, lang: Lang): string {
  const i18n = (issue.params as ArgIssue["params"] | undefined)?.i18n;
  return i18n ? render(lang, i18n.key, i18n.params) : issue.message;
}
