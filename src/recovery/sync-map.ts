import { readFileSync } from "node:fs";
import { z } from "zod";
import { MissionctlError } from "../errors.ts";

/** MISSIONCTL_SYNC_MAP could not be used: unset, unreadable, not the documented shape, or no entry. */
export class SyncMapError extends MissionctlError<"SYNC_MAP"> {
  override name = "SyncMapError";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super("SYNC_MAP", message, context);
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
  if (!file) throw new SyncMapError("MISSIONCTL_SYNC_MAP is not set: /sync needs it (docs/position-sync.md)");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SyncMapError(`MISSIONCTL_SYNC_MAP ${file}: ${(err as Error).message}`, { file });
  }
  const parsed = z.record(z.string(), entry).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SyncMapError(`MISSIONCTL_SYNC_MAP ${file}: ${issue?.path.join(".")}: ${issue?.message}`, {
      file,
    });
  }
  const found = parsed.data[processId];
  if (!found)
    throw new SyncMapError(`${processId} is not in MISSIONCTL_SYNC_MAP (${file})`, { file, processId });
  return found;
}
