/**
 * What a sync says, as data: a key of the catalogs' `sync.msg` and its parameters. The saga, the
 * plan and the sync map produce these; the chat renders them in its user's language, and
 * `missionctl sync`, the audit and error messages in English, so no text is written twice.
 */
import { type Catalog, catalog } from "../i18n/index.ts";

type Texts = Catalog["sync"]["msg"];

/** The key of one sync text. */
export type SyncMsgKey = keyof Texts;

/** The parameters of the text `K` (undefined for a fixed text). */
export type SyncMsgParams<K extends SyncMsgKey> = Texts[K] extends (p: infer P) => string ? P : undefined;

/**
 * One thing a sync says: a fixed text by its key, or a message with its parameters.
 *
 * @example
 * const m: SyncMsg = { key: "info", params: { pending: 1, trades: 3 } };
 */
export type SyncMsg = {
  [K in SyncMsgKey]: Texts[K] extends string ? { key: K } : { key: K; params: SyncMsgParams<K> };
}[SyncMsgKey];

/**
 * Builds a SyncMsg, checking the parameters against the English catalog.
 *
 * @example
 * syncMsg("cancelSent", { orders: 2 }); // { key: "cancelSent", params: { orders: 2 } }
 * syncMsg("noPending"); // { key: "noPending" }
 */
export function syncMsg<K extends SyncMsgKey>(
  key: K,
  ...params: Texts[K] extends string ? [] : [SyncMsgParams<K>]
): SyncMsg {
  return (params.length > 0 ? { key, params: params[0] } : { key }) as SyncMsg;
}

/**
 * A SyncMsg in the language of catalog `t`.
 *
 * @example
 * sayIn(catalog("zh"), syncMsg("noPending")); // "没有挂单"
 */
export function sayIn(t: Catalog, m: SyncMsg): string {
  const text: unknown = t.sync.msg[m.key];
  return typeof text === "string" ? text : (text as (p: unknown) => string)("params" in m ? m.params : {});
}

const en = catalog("en");

/**
 * A SyncMsg in English: the CLI's output, the audit's record and the errors' `message`.
 *
 * @example
 * inEnglish(syncMsg("cancelSent", { orders: 2 })); // "cancel sent for 2 order(s)"
 */
export const inEnglish = (m: SyncMsg): string => sayIn(en, m);
