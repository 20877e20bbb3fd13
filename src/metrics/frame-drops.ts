/**
 * Frames the IPC command system dropped, by reason. The command system already counts them
 * (src/ipc/drop-counter.ts); they are read at scrape time, so the receive path does no extra work.
 */
import { Counter, type Registry } from "prom-client";
import type { DropReason } from "../ipc/errors.ts";

/** What the metric reads: an IpcCommandSystem's `drops`. */
export interface DropCounts {
  readonly counts: Readonly<Record<DropReason, number>>;
  /** Frames that decoded but whose handling threw. */
  readonly handlingFailures: number;
}

/**
 * Registers `missionctl_ipc_frames_dropped_total{reason}`: the six decoder reasons (`too_short`,
 * `too_large`, `bad_json`, `bad_schema`, `topic_mismatch`, `sender_mismatch`) and `handler_threw`.
 *
 * @example
 * registerFrameDrops(registry, ipc.drops);
 * // missionctl_ipc_frames_dropped_total{reason="bad_json"} 1
 */
export function registerFrameDrops(registry: Registry, drops: DropCounts): void {
  new Counter({
    name: "missionctl_ipc_frames_dropped_total",
    help: "IPC frames dropped by the bot's command system, by reason",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      // The command system's own totals are the truth; the counter mirrors them at each scrape.
      this.reset();
      for (const [reason, n] of Object.entries(drops.counts)) this.inc({ reason }, n);
      this.inc({ reason: "handler_threw" }, drops.handlingFailures);
    },
  });
}
