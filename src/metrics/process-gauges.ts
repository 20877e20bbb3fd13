/**
 * Per-process gauges, computed at scrape time from the monitor's current records: a process appears
 * only while the monitor tracks it (at most MISSIONCTL_MAX_PROCESSES, plus the configured ones) and
 * is gone from the next scrape once it is forgotten, so the `process` label cannot grow or leak.
 */
import { Gauge, type Registry } from "prom-client";
import type { Clock } from "../clock.ts";
import type { LivenessState, ProcessView } from "../monitor/types.ts";

/**
 * Every liveness state, each a series of `missionctl_process_state` (a Prometheus state set).
 *
 * @example
 * LIVENESS_STATES.length; // 5 series per process
 */
export const LIVENESS_STATES: readonly LivenessState[] = ["unknown", "up", "silent", "down", "stopped"];

export interface ProcessGaugeSource {
  /** The monitor's processes (MonitorApi.processes). */
  processes(): readonly ProcessView[];
}

/**
 * Registers `missionctl_process_up`, `missionctl_process_connected`,
 * `missionctl_process_heartbeat_age_seconds` and `missionctl_process_state` on `registry`.
 *
 * @example
 * registerProcessGauges(registry, runtime.monitor, systemClock);
 * // missionctl_process_up{process="mm1"} 1
 * // missionctl_process_state{process="mm1",state="up"} 1   (and 0 for the four other states)
 */
export function registerProcessGauges(registry: Registry, monitor: ProcessGaugeSource, clock: Clock): void {
  // Each gauge is rebuilt from scratch at every scrape: what the monitor forgot is not carried over.
  const perProcess = (fill: (gauge: Gauge<string>, p: ProcessView) => void) =>
    function collect(this: Gauge<string>) {
      this.reset();
      for (const p of monitor.processes()) fill(this, p);
    };
  new Gauge({
    name: "missionctl_process_up",
    help: "1 while the monitor sees the process up (heartbeating, connected), else 0",
    labelNames: ["process"],
    registers: [registry],
    collect: perProcess((g, p) => g.set({ process: p.id }, p.state === "up" ? 1 : 0)),
  });
  new Gauge({
    name: "missionctl_process_connected",
    help: "1 while the process is connected to the bot (its subscription or our link is up), else 0",
    labelNames: ["process"],
    registers: [registry],
    collect: perProcess((g, p) => g.set({ process: p.id }, p.connected ? 1 : 0)),
  });
  new Gauge({
    name: "missionctl_process_heartbeat_age_seconds",
    help: "Seconds since the process's last heartbeat (absent before its first)",
    labelNames: ["process"],
    registers: [registry],
    collect: perProcess((g, p) => {
      if (p.lastHeartbeatAt === undefined) return;
      g.set({ process: p.id }, Math.max(0, clock.now() - p.lastHeartbeatAt) / 1000);
    }),
  });
  new Gauge({
    name: "missionctl_process_state",
    help: "The process's liveness state as the monitor sees it: 1 for the current state, 0 for the others",
    labelNames: ["process", "state"],
    registers: [registry],
    collect: perProcess((g, p) => {
      for (const state of LIVENESS_STATES) g.set({ process: p.id, state }, p.state === state ? 1 : 0);
    }),
  });
}
