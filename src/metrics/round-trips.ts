/**
 * The round trip of chat commands that reach processes, from their first `command.sent` to their
 * `command.done` on the lifecycle bus (README "Observer hooks"), by command and outcome.
 */
import { Histogram, type Registry } from "prom-client";
import type { Clock } from "../clock.ts";
import { type LifecycleBus, listenAll } from "../events.ts";

/**
 * Seconds: a ping over ipc is well under 5 ms, a reply timeout 10 s by default, at most an hour.
 *
 * @example
 * ROUND_TRIP_BUCKETS.at(-1); // 300: slower round trips only count in le="+Inf"
 */
export const ROUND_TRIP_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** How a command ended (the `outcome` of `command.done`); anything else counts as `other`. */
const OUTCOMES: ReadonlySet<string> = new Set([
  "ok",
  "error",
  "timeout",
  "not_connected",
  "cancelled",
  "expired",
  "invalid",
]);

/**
 * Sends whose command never comes to an observable end (its `command.done` carries no id) are
 * dropped oldest first past this many, so the map cannot grow without end.
 *
 * @example
 * MAX_PENDING_SENDS; // 10 000 commands in flight at once is far beyond any chat
 */
export const MAX_PENDING_SENDS = 10_000;

export interface RoundTripOptions {
  bus: LifecycleBus;
  clock: Clock;
  /** The chat commands a label may name (the registry's); any other name is `other`. */
  commands: readonly string[];
}

/**
 * Registers `missionctl_command_round_trip_seconds{command,outcome}` and feeds it from the bus;
 * returns the function that stops listening.
 *
 * @example
 * const stop = registerRoundTrips(registry, { bus, clock, commands: ["ping", "exit"] });
 * // after /ping mm1: missionctl_command_round_trip_seconds_count{command="ping",outcome="ok"} 1
 * stop();
 */
export function registerRoundTrips(registry: Registry, options: RoundTripOptions): () => void {
  const { clock } = options;
  const known = new Set(options.commands);
  const histogram = new Histogram({
    name: "missionctl_command_round_trip_seconds",
    help: "Chat commands that reached processes: seconds from the first command sent to the command done",
    labelNames: ["command", "outcome"],
    buckets: [...ROUND_TRIP_BUCKETS],
    registers: [registry],
  });
  const sentAt = new Map<string, number>();
  return listenAll(options.bus, {
    "command.sent": (e) => {
      if (sentAt.has(e.commandId)) return;
      sentAt.set(e.commandId, clock.now());
      if (sentAt.size > MAX_PENDING_SENDS) sentAt.delete(sentAt.keys().next().value as string);
    },
    "command.done": (e) => {
      if (!e.commandId) return;
      // One chat command may send several requests (one per target): its ids come comma-joined.
      let first: number | undefined;
      for (const id of e.commandId.split(",")) {
        const at = sentAt.get(id);
        sentAt.delete(id);
        if (at !== undefined && (first === undefined || at < first)) first = at;
      }
      if (first === undefined) return;
      histogram.observe(
        {
          command: known.has(e.command) ? e.command : "other",
          outcome: OUTCOMES.has(e.outcome) ? e.outcome : "other",
        },
        Math.max(0, clock.now() - first) / 1000,
      );
    },
  });
}
