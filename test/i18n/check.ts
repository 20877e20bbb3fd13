/**
 * Comparing two catalogs: the keys they have, and for every message function the parameters each
 * one reads, found by calling it on each sample through a Proxy that records the keys read.
 */

/** A catalog as a plain tree: texts, message functions, and groups of them. */
export type Tree = { readonly [key: string]: unknown };

/** One leaf of a catalog: its dotted path and its value (a text or a message function). */
export interface Leaf {
  path: string;
  value: unknown;
}

/**
 * Every leaf of `tree` (texts and functions), depth first, in key order.
 *
 * @example
 * leaves({ a: "x", b: { c: () => "y" } }).map((l) => l.path); // ["a", "b.c"]
 */
export function leaves(tree: Tree, prefix = ""): Leaf[] {
  return Object.keys(tree)
    .sort()
    .flatMap((key) => {
      const value = tree[key];
      const path = prefix ? `${prefix}.${key}` : key;
      return typeof value === "object" && value !== null ? leaves(value as Tree, path) : [{ path, value }];
    });
}

/** The value at a dotted path of a tree, or undefined. */
export const at = (tree: Tree, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node as Tree | undefined)?.[key], tree);

/**
 * The keys a message function reads of its parameter object, on one sample.
 *
 * @example
 * readKeys((p: { id: string }) => p.id, { id: "mm1" }); // ["id"]
 */
export function readKeys(fn: (p: unknown) => unknown, sample: object): string[] {
  const seen = new Set<string>();
  const spy = new Proxy(sample, {
    get(target, key, receiver) {
      if (typeof key === "string") seen.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === "string") seen.add(key);
      return Reflect.has(target, key);
    },
  });
  fn(spy);
  return [...seen].sort();
}

/**
 * Where `other` differs from `reference`: keys missing or extra, a text where the reference has a
 * function (or the reverse), and messages that read other parameters on some sample.
 *
 * @example
 * catalogMismatches(en, zh, (path) => samplesAt(path)); // [] when zh is complete
 */
export function catalogMismatches(
  reference: Tree,
  other: Tree,
  samplesOf: (path: string) => readonly object[] | undefined,
): string[] {
  const problems: string[] = [];
  const ours = new Map(leaves(reference).map((l) => [l.path, l.value]));
  const theirs = new Map(leaves(other).map((l) => [l.path, l.value]));
  for (const path of ours.keys()) if (!theirs.has(path)) problems.push(`${path}: missing`);
  for (const path of theirs.keys()) if (!ours.has(path)) problems.push(`${path}: not in the reference`);
  for (const [path, a] of ours) {
    const b = theirs.get(path);
    if (b === undefined) continue;
    if (typeof a !== typeof b) {
      problems.push(`${path}: a ${typeof a} in the reference, a ${typeof b} here`);
      continue;
    }
    if (typeof a !== "function") continue;
    const samples = samplesOf(path);
    if (!samples?.length) {
      problems.push(`${path}: no samples`);
      continue;
    }
    for (const sample of samples) {
      const want = readKeys(a as (p: unknown) => unknown, sample);
      const got = readKeys(b as (p: unknown) => unknown, sample);
      if (want.join() !== got.join())
        problems.push(`${path}: reads {${got.join(", ")}}, the reference {${want.join(", ")}}`);
    }
  }
  return problems;
}
