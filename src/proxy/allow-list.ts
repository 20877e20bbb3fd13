/**
 * The client keys the proxy admits: the `*.key` files of its allow directory, read as one map and
 * swapped in one assignment, so a ZAP request sees either the old list or the new one, never half.
 */
import { type Stats, statSync } from "node:fs";
import type { Logger } from "../log.ts";
import { readAllowDir } from "./certs.ts";
import { ProxyError } from "./errors.ts";

/** What a reload changed. Keys are Z85; `file` is the `*.key` file a key came from. */
export interface AllowListChange {
  /** Keys listed now. */
  count: number;
  added: { key: string; file: string }[];
  removed: { key: string; file: string }[];
  /**
   * Removed keys that were admitted since the start: ZeroMQ does not cut a connection it admitted,
   * so those may still be connected until they disconnect or the proxy restarts.
   */
  stillAdmitted: { key: string; file: string }[];
  /** Files that are not valid certificates (not admitted), or why the directory could not be read. */
  problems: string[];
}

/**
 * The allow list of one directory, with the keys admitted so far.
 *
 * @example
 * const allow = new AllowList("/etc/missionctl/allow");
 * allow.reload(); // { count: 3, added: [...], ... }
 * allow.lookup(clientKey); // "mm1.key", or undefined
 */
export class AllowList {
  #keys: ReadonlyMap<string, string> = new Map();
  readonly #admitted = new Set<string>();

  /**
   * @throws ProxyError `BAD_ALLOW_DIR` when `dir` is not a directory (a proxy that starts with
   * nothing to admit is a typo, not a configuration) or when others may write in it.
   */
  constructor(readonly dir: string) {
    const problem = allowDirProblem(dir);
    if (problem) throw new ProxyError("BAD_ALLOW_DIR", problem, { dir });
  }

  /** The file that lists `key` (Z85), or undefined when it is not listed. */
  lookup(key: string): string | undefined {
    return this.#keys.get(key);
  }

  /** Keys listed now. */
  get size(): number {
    return this.#keys.size;
  }

  /** Remembers that `key` was admitted, for the reload that unlists it. */
  markAdmitted(key: string): void {
    this.#admitted.add(key);
  }

  /**
   * Re-reads the directory and swaps the list in. A directory that cannot be read empties the list:
   * the proxy fails closed rather than go on admitting keys it can no longer check.
   */
  reload(): AllowListChange {
    let next: Map<string, string> = new Map();
    let problems: string[];
    const problem = allowDirProblem(this.dir);
    if (problem) {
      problems = [`${problem}: admitting nobody`];
    } else {
      try {
        ({ keys: next, problems } = readAllowDir(this.dir));
      } catch (err) {
        problems = [
          `allow directory ${this.dir} cannot be read (${(err as Error).message}): admitting nobody`,
        ];
      }
    }
    const before = this.#keys;
    this.#keys = next;
    const added = [...next].filter(([key]) => !before.has(key)).map(([key, file]) => ({ key, file }));
    const removed = [...before].filter(([key]) => !next.has(key)).map(([key, file]) => ({ key, file }));
    const stillAdmitted = removed.filter(({ key }) => this.#admitted.has(key));
    for (const { key } of removed) this.#admitted.delete(key);
    return { count: next.size, added, removed, stillAdmitted, problems };
  }
}

/**
 * Why `dir` cannot be the allow directory, or undefined. A directory that group or others may write
 * in lets them admit any key they like, so it is refused rather than trusted.
 *
 * @example
 * allowDirProblem("/tmp"); // "allow directory /tmp is writable by group or others (mode 1777): chmod go-w /tmp"
 */
export function allowDirProblem(dir: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    return `allow directory ${dir} does not exist or is not a directory`;
  }
  if (!st.isDirectory()) return `allow directory ${dir} does not exist or is not a directory`;
  if ((st.mode & 0o022) !== 0) {
    const mode = (st.mode & 0o7777).toString(8);
    return `allow directory ${dir} is writable by group or others (mode ${mode}): chmod go-w ${dir}`;
  }
  return undefined;
}

/**
 * Logs a reload: the count and changes at info, bad files at warn, and unlisted keys that were
 * admitted at warn with what to do about them.
 *
 * @example
 * logAllowListChange(log, allow.reload());
 */
export function logAllowListChange(log: Logger, change: AllowListChange): void {
  log.info(
    {
      keys: change.count,
      added: change.added.map((a) => a.file),
      removed: change.removed.map((r) => r.file),
    },
    "allow list loaded",
  );
  for (const problem of change.problems) log.warn({ problem }, `allow list: ${problem}`);
  if (change.stillAdmitted.length > 0) {
    log.warn(
      { keys: change.stillAdmitted },
      `no longer listed but admitted since the start: ${change.stillAdmitted.map((a) => `${a.file} (${a.key})`).join(", ")}; ` +
        "their open connections stay up (ZeroMQ does not cut an admitted connection): restart the proxy to revoke them at once",
    );
  }
}
