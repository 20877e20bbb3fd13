import { type Clock, systemClock } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { type LifecycleBus, listenAll } from "../events.ts";
import type { IpcCommand } from "../ipc/codec.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { type Logger, silentLogger } from "../log.ts";
import { MonitorError } from "./errors.ts";
import { IncidentBook } from "./incidents.ts";
import { EXPECT_EXIT_TTL_MS, LivenessTracker } from "./liveness.ts";
import { MuteTable } from "./mutes.ts";
import type { Incident, MonitorApi, Mute, ProcessView } from "./types.ts";

/** The monitor as the bot holds it: the query/mute API plus its lifecycle. */
export type Monitor = MonitorApi & {
  /** Subscribes to the IPC events; processes already present are learned without alerts. Idempotent. */
  start(): void;
  /** Unsubscribes and cancels every timer; state is forgotten. */
  stop(): void;
};

export interface MonitorOptions {
  ipc: IpcCommandSystem;
  bus: LifecycleBus;
  clock?: Clock;
  logger?: Logger;
  /** Missed heartbeat intervals before "silent" (MISSIONCTL_HEARTBEAT_GRACE, default 3). */
  heartbeatGrace?: number;
  /** Repeat an unresolved, unmuted alert after this long (MISSIONCTL_ALERT_REPEAT_MS, default 30 min). */
  alertRepeatMs?: number;
  /** How long a disconnect waits for a `stopped` on the other socket (default 300 ms). */
  settleMs?: number;
  /** Window in which 3 incidents make a process "flapping" (default 1 min). */
  flapWindowMs?: number;
  /** How long an expectExit() stays valid (default 15 min). */
  expectExitTtlMs?: number;
  /**
   * The most processes tracked (MISSIONCTL_MAX_PROCESSES, default 1000): further new ids are not
   * tracked (a warning in the log, one line in the alert chats); `expected` ones always are.
   */
  maxProcesses?: number;
  /** Process ids configured to exist (MISSIONCTL_PROCESSES): shown from the start, alerted if they never come. */
  expected?: readonly string[];
  /** How long an `expected` process may take to show up before it is alerted (default 30 s). */
  startGraceMs?: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) {
    throw new MonitorError("INVALID_OPTION", `${name} must be a positive number, got ${value}`, {
      [name]: value,
    });
  }
  return v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/**
 * Watches every strategy from outside: heartbeats, `stopped`/`crash` events and presence feed a
 * per-process state machine ({@link LivenessTracker}); the alert policy ({@link IncidentBook})
 * publishes `alert`, `alert.resolved` and `info` on the lifecycle bus. It never talks to Telegram.
 *
 * @example
 * const monitor = createMonitor({ ipc, bus, heartbeatGrace: config.MISSIONCTL_HEARTBEAT_GRACE });
 * monitor.start();
 * bus.on("alert", (a) => console.log(a.text)); // "🔴 mm1 disconnected (no stopped notice)"
 * monitor.mute("mm*", 30 * 60_000, "alice");
 */
export function createMonitor(options: MonitorOptions): Monitor {
  const { ipc, bus } = options;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger).child({ module: "monitor" });
  const heartbeatGrace = positive(
    "heartbeatGrace",
    options.heartbeatGrace,
    DEFAULTS.MISSIONCTL_HEARTBEAT_GRACE,
  );
  const alertRepeatMs = positive("alertRepeatMs", options.alertRepeatMs, DEFAULTS.MISSIONCTL_ALERT_REPEAT_MS);
  const settleMs = positive("settleMs", options.settleMs, 300);
  const flapWindowMs = positive("flapWindowMs", options.flapWindowMs, 60_000);
  const expectExitTtlMs = positive("expectExitTtlMs", options.expectExitTtlMs, EXPECT_EXIT_TTL_MS);
  const maxProcesses = positive("maxProcesses", options.maxProcesses, DEFAULTS.MISSIONCTL_MAX_PROCESSES);
  if (!Number.isSafeInteger(maxProcesses)) {
    throw new MonitorError("INVALID_OPTION", `maxProcesses must be an integer, got ${maxProcesses}`, {
      maxProcesses,
    });
  }
  const startGraceMs = positive("startGraceMs", options.startGraceMs, 30_000);
  const expected = [...new Set(options.expected ?? [])];

  // The book needs the mutes and the mutes report expiry to the book: wire through a late binding.
  let book: IncidentBook | undefined;
  const mutes = new MuteTable(clock, (m) => book?.muteExpired(m));
  book = new IncidentBook({ bus, clock, log, mutes, alertRepeatMs, flapWindowMs });
  const incidents = book;
  const tracker = new LivenessTracker({
    clock,
    log,
    sink: incidents,
    heartbeatGrace,
    settleMs,
    expectExitTtlMs,
    maxProcesses,
  });

  const onMessage = (command: IpcCommand): void => {
    const payload = isObject(command.payload) ? command.payload : {};
    const id = command.sender_id;
    switch (command.command_type) {
      case "heartbeat":
        tracker.heartbeat(id, payload);
        break;
      case "stopped":
        tracker.stopped(id, payload);
        break;
      case "crash":
        tracker.crash(id, payload);
        break;
    }
  };
  let unlisten: (() => void) | undefined;

  return {
    start() {
      if (unlisten) return;
      unlisten = listenAll(ipc, {
        message: onMessage,
        connected: (id) => tracker.presence(id, true),
        disconnected: (id) => tracker.presence(id, false),
        link: (id, up) => tracker.link(id, up),
      });
      // Configured processes first, so that one already present counts as seen rather than learned.
      tracker.configure(expected, startGraceMs);
      const present = ipc.presence.ids();
      for (const id of present) tracker.presence(id, true);
      log.info(
        {
          present,
          expected,
          heartbeatGrace,
          alertRepeatMs,
          settleMs,
          flapWindowMs,
          maxProcesses,
          startGraceMs,
        },
        "monitor started",
      );
    },
    stop() {
      unlisten?.();
      unlisten = undefined;
      tracker.clear();
      incidents.clear();
      mutes.clear();
      log.info("monitor stopped");
    },
    processes(): ProcessView[] {
      return tracker.views().map((v) => {
        const until = mutes.mutedUntil(v.id);
        return until !== undefined ? { ...v, mutedUntil: until } : v;
      });
    },
    incidents(): Incident[] {
      return incidents.list();
    },
    mutes(): Mute[] {
      return mutes.list();
    },
    mute(target: string, durationMs: number, by?: string): Mute {
      const mute = mutes.add(target, durationMs, by);
      log.info({ target, until: mute.until, by }, "muted");
      return mute;
    },
    unmute(target: string): number {
      const removed = mutes.remove(target);
      log.info({ target, removed }, "unmuted");
      return removed;
    },
    expectExit(ids: string[]): void {
      log.debug({ ids }, "exit expected");
      tracker.expectExit(ids);
    },
    cancelExpectedExit(ids: string[]): void {
      log.debug({ ids }, "exit no longer expected");
      tracker.cancelExpectedExit(ids);
    },
  };
}
