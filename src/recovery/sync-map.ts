import { readFileSync } from "node:fs";
import { z } from "zod";
import { MissionctlError } from "../errors.ts";
import { inEnglish, type SyncMsg, syncMsg } from "./messages.ts";

/**
 * MISSIONCTL_SYNC_MAP could not be used: unset, unreadable, not the documented shape, or no entry.
 * `msg` is what the chat says (in its user's language); `message` is its English.
 *
 * @example
 * throw new SyncMapError(syncMsg("notInMap", { process: "mm7", file }), { file });
 */
export class SyncMapError extends MissionctlError<"SYNC_MAP"> {
  override name = "SyncMapError";
  readonly msg: SyncMsg;
  constructor(msg: SyncMsg, context: Record<string, unknown> = {}) {
    super("SYNC_MAP", inEnglish(msg), context);
    this.msg = msg;
  }
}

/** Where one strategy process's files and executor are (docs/position-sync.md). */
export interface SyncTarget {
  strategy: string;
  base: string;
  executor: string;
  executor_log: string;
}

const entry = z.object({
  strategy: z.string().min(1),
  base: z.string().min(1),
  executor: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  executor_log: z.string().min(1),
});

/**
 * Reads MISSIONCTL_SYNC_MAP and returns the entry of `processId`. Read at each use, not at start:
 * an operator may add a strategy to the file without restarting the bot.
 *
 * @example
 * syncTarget("/etc/missionctl/sync.json", "mm1"); // { strategy: "rb.trend", base: "/srv/mm1", ... }
 */
export function syncTarget(file: string | undefined, processId: string): SyncTarget {
  if (!file) throw new SyncMapError(syncMsg("mapUnset"));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    // Node's or JSON.parse's own English: it names the OS error or the position of the bad byte.
    throw new SyncMapError(syncMsg("mapUnreadable", { file, detail: (err as Error).message }), { file });
  }
  const parsed = z.record(z.string(), entry).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path.join("."));
    throw new SyncMapError(syncMsg("mapInvalid", { file, field, problem: String(issue?.message) }), { file });
  }
  const found = parsed.data[processId];
  if (!found) throw new SyncMapError(syncMsg("notInMap", { process: processId, file }), { file, processId });
  return found;
}
