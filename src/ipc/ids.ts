import { IpcError } from "./errors.ts";

/** process_id: no dot, no star, no space (docs/protocol.md). */
export const PROCESS_ID_RE = /^[A-Za-z0-9_-]{1,40}$/;
export const COMMAND_TYPE_RE = /^[a-z][a-z0-9_]{0,30}$/;
/** target_id: a process id, `*`, or `prefix*`. */
export const TARGET_ID_RE = /^(?:\*|[A-Za-z0-9_-]{1,40}\*?)$/;

export const isProcessId = (s: string): boolean => PROCESS_ID_RE.test(s);
export const isCommandType = (s: string): boolean => COMMAND_TYPE_RE.test(s);
export const isTargetId = (s: string): boolean => TARGET_ID_RE.test(s);

/** Throws an `INVALID_ID` error naming the bad value. */
export function assertProcessId(id: string, what = "process id"): string {
  if (!isProcessId(id)) throw new IpcError("INVALID_ID", `invalid ${what} ${JSON.stringify(id)}`, { id });
  return id;
}

/**
 * A pattern check that remembers the last two strings it passed: comparing with those is cheaper
 * than running the pattern again. Two, because a process mostly hears one kind of frame and sends
 * another (a strategy hears `chatops` → `rtt.ping` and sends `rtt` → `chatops.reply`), and one
 * remembered string would be replaced on every frame; a bot hears mostly `*.heartbeat`.
 *
 * @example
 * const isType = rememberingCheck(COMMAND_TYPE_RE, "ping");
 * isType("ping"); // true, without running the pattern
 */
export function rememberingCheck(pattern: RegExp, valid: string): (s: string) => boolean {
  let last = valid;
  let before = valid;
  return (s) => {
    if (s === last || s === before) return true;
    if (!pattern.test(s)) return false;
    before = last;
    last = s;
    return true;
  };
}

/** Commands built go mostly to the same targets with the same types (a strategy replies to its bot). */
const knownTarget = rememberingCheck(TARGET_ID_RE, "*");
const knownType = rememberingCheck(COMMAND_TYPE_RE, "ping");

export function assertTargetId(id: string): string {
  if (!knownTarget(id)) throw new IpcError("INVALID_ID", `invalid target ${JSON.stringify(id)}`, { id });
  return id;
}

export function assertCommandType(type: string): string {
  if (!knownType(type))
    throw new IpcError("INVALID_ID", `invalid command type ${JSON.stringify(type)}`, { type });
  return type;
}

/** True when `target` (unicast, `*` or `prefix*`) addresses `processId`. */
export function targetMatches(target: string, processId: string): boolean {
  if (target === "*") return true;
  if (target.endsWith("*")) return processId.startsWith(target.slice(0, -1));
  return target === processId;
}

/** Unicast targets name one process; `*` and `prefix*` may reach many. */
export const isGroupTarget = (target: string): boolean => target.endsWith("*");

/**
 * The topic prefixes process `id` subscribes to: `id.`, `*.`, and `{q}*.` for every non-empty
 * prefix q of id (docs/protocol.md), so multicast is plain prefix filtering.
 */
export function subscriptionPrefixes(id: string): string[] {
  const prefixes = [`${id}.`, "*."];
  for (let i = 1; i <= id.length; i++) prefixes.push(`${id.slice(0, i)}*.`);
  return prefixes;
}

/**
 * Makes command ids `{sender}_{timestamp_us}_{counter}`, unique per sender even within one microsecond.
 *
 * @example
 * const next = commandIdGenerator("chatops");
 * next(); // "chatops_1732600000000000_1"
 */
export function commandIdGenerator(senderId: string, nowUs: () => number = nowMicros): () => string {
  let counter = 0;
  // `${us}` of a 16-digit number is a double-to-string conversion (~0.2 µs, twice per round trip):
  // the seconds' digits are kept while the second lasts, and only the six microsecond digits are new.
  let second = -1;
  let prefix = "";
  return () => {
    const us = nowUs();
    const s = Math.floor(us / 1e6);
    const micros = us - s * 1e6;
    if (!(s >= 1 && micros >= 0 && micros < 1e6 && Number.isSafeInteger(us))) {
      return `${senderId}_${us}_${++counter}`;
    }
    if (s !== second) {
      second = s;
      prefix = `${senderId}_${s}`;
    }
    return `${prefix}${String(micros + 1e6).slice(1)}_${++counter}`;
  };
}

// Anchored once to the wall clock, then advanced by the monotonic clock. Plain float arithmetic:
// the BigInt version (hrtime.bigint) allocated on every call, twice per command sent.
const perfOriginMs = performance.now();
const epochOriginUs = Date.now() * 1000;

/** Microseconds since the Unix epoch, monotonic within a process. */
export function nowMicros(): number {
  return Math.floor(epochOriginUs + (performance.now() - perfOriginMs) * 1000);
}
