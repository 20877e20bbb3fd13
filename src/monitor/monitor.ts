import { type Clock, systemClock, type TimerHandle } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { type LifecycleBus, listenAll } from "../events.ts";
import type { Lang } from "../i18n/index.ts";
import type { IpcCommand } from "../ipc/codec.ts";
import type { IpcCommandSystem } from "../ipc/command-system.ts";
import { type Logger, silentLogger } from "../log.ts";
import { MonitorError } from "./errors.ts";
import { IncidentBook } from "./incidents.ts";
import { EXPECT_EXIT_TTL_MS, type LivenessSink, LivenessTracker } from "./liveness.ts";
import { MuteTable } from "./mutes.ts";
import { ProxyLoss } from "./proxy-loss.ts";

/** How long a bot started in proxy mode gives its first connection before the proxy counts as lost. */
const PROXY_START_GRACE_MS = 5000;

import { MonitorPersistence, type MonitorState } from "./persistence.ts";
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
  /**
   * The state database (docs/state.md): processes, incidents and mutes survive a restart. Without
   * it the monitor forgets everything when it stops.
   */
  state?: MonitorState;
  /** With a state: how long a process that was up before the restart may take to show up (default 5 s). */
  restoreGraceMs?: number;
  /** With a state: a process gone this long and not configured is forgotten (MISSIONCTL_FORGET_AFTER_MS). */
  forgetAfterMs?: number;
  /** With a state: the address a configured process is reached at, kept with it. */
  addressOf?: (id: string) => string | undefined;
  /** The language of every line it publishes: the alert chats' (MISSIONCTL_LANG; default English). */
  lang?: Lang;
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
  let persist: MonitorPersistence | undefined;
  const expired = (m: Mute) => {
    persist?.unmuted(m.target);
    book?.muteExpired(m);
  };
  const mutes = new MuteTable(clock, (m) => (persist ? persist.atomic(() => expired(m)) : expired(m)));
  book = new IncidentBook({
    bus,
    clock,
    log,
    mutes,
    alertRepeatMs,
    flapWindowMs,
    ...(options.lang ? { lang: options.lang } : {}),
    ...(options.state
      ? {
          onChange: (id, incident) => persist?.incidentChanged(id, incident),
          atomic: (fn) => (persist ? persist.atomic(fn) : fn()),
        }
      : {}),
  });
  const incidents = book;
  // With a state, every report of the tracker runs in one transaction with what it publishes.
  const sink = { current: incidents as LivenessSink };
  // Losing the proxy (several hosts) is one incident: this sink holds the processes' own while the
  // link is down, in front of whatever the tracker reports to.
  const proxyLoss = new ProxyLoss({
    clock,
    log,
    connected: () => ipc.presence.ids(),
    ...(options.lang ? { lang: options.lang } : {}),
    sink: {
      incident: (id, kind, detail) => sink.current.incident(id, kind, detail),
      recovered: (id, how) => sink.current.recovered(id, how),
      info: (id, text) => sink.current.info(id, text),
    },
  });
  const tracker = new LivenessTracker({
    clock,
    log,
    sink: proxyLoss,
    heartbeatGrace,
    settleMs,
    expectExitTtlMs,
    maxProcesses,
    ...(options.lang ? { lang: options.lang } : {}),
  });

  const newPersistence = (state: MonitorState) =>
    new MonitorPersistence({
      state,
      clock,
      log,
      table: tracker.table,
      book: incidents,
      mutes,
      inner: incidents,
      configured: new Set(expected),
      ...(options.addressOf ? { addressOf: options.addressOf } : {}),
      exitExpected: (id) => tracker.exitExpected(id),
      ...(options.lang ? { lang: options.lang } : {}),
      ...(options.restoreGraceMs !== undefined ? { restoreGraceMs: options.restoreGraceMs } : {}),
      ...(options.forgetAfterMs !== undefined ? { forgetAfterMs: options.forgetAfterMs } : {}),
    });

  const onMessage = (command: IpcCommand): void => {
    const payload = isObject(command.payload) ? command.payload : {};
    const id = command.sender_id;
    switch (command.command_type) {
      case "heartbeat": {
        const now = clock.now();
        const rec = tracker.heartbeat(id, payload, now);
        // No write per heartbeat: the record is marked, and the batch goes within a second.
        if (rec) persist?.beat(rec, now);
        break;
      }
      case "stopped":
        tracker.stopped(id, payload);
        break;
      case "crash":
        tracker.crash(id, payload);
        break;
    }
  };
  let unlisten: (() => void) | undefined;
  let proxyStartCheck: TimerHandle | undefined;

  return {
    start() {
      if (unlisten) return;
      if (options.state) {
        persist = newPersistence(options.state);
        sink.current = persist.sink;
        // Before anything is heard: a process of the last run is known, not learned anew.
        persist.restore();
      }
      unlisten = listenAll(ipc, {
        message: onMessage,
        connected: (id) => {
          tracker.presence(id, true);
          persist?.seen(id);
        },
        disconnected: (id) => tracker.presence(id, false),
        link: (id, up) => {
          tracker.link(id, up);
          if (up) persist?.seen(id);
        },
        proxyLink: (up) => proxyLoss.link(up),
      });
      // Started while the proxy is unreachable: once the first connect has had its time, that is
      // the incident (a link coming up in between cancels nothing: link(false) waits for a change).
      if (ipc.proxyLinkUp === false) {
        proxyStartCheck = clock.setTimeout(() => {
          if (ipc.proxyLinkUp === false) proxyLoss.link(false);
        }, PROXY_START_GRACE_MS);
      }
      // Configured processes first, so that one already present counts as seen rather than learned.
      tracker.configure(expected, startGraceMs);
      const present = ipc.presence.ids();
      for (const id of present) {
        tracker.presence(id, true);
        persist?.seen(id);
      }
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
      // What changed in the last second is written; the rows stay for the next start.
      persist?.stop();
      persist = undefined;
      sink.current = incidents;
      tracker.clear();
      proxyLoss.clear();
      if (proxyStartCheck !== undefined) clock.clearTimeout(proxyStartCheck);
      proxyStartCheck = undefined;
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
      persist?.atomic(() => persist?.muted(mute));
      log.info({ target, until: mute.until, by }, "muted");
      return mute;
    },
    unmute(target: string): number {
      const removed = mutes.remove(target);
      if (removed) persist?.atomic(() => persist?.unmuted(target));
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
