import type { TimerHandle } from "../clock.ts";
import { DEFAULTS } from "../config.ts";
import { Deadlines, deadline } from "./deadlines.ts";
import { EXPECT_EXIT_TTL_MS, ExpectedExits } from "./expected-exits.ts";
import type { LivenessTrackerOptions } from "./liveness-contract.ts";
import { isConnected as connected, markSeen, type ProcessRecord, ProcessTable } from "./records.ts";
import { type InfoTexts, infoTexts, type MonitorTexts, monitorTexts } from "./texts.ts";
import type { LivenessState, ProcessView } from "./types.ts";

/** The heartbeat interval assumed until a process announces its own (docs/protocol.md, events). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS: number = DEFAULTS.HEARTBEAT_INTERVAL_MS;
export { EXPECT_EXIT_TTL_MS } from "./expected-exits.ts";
export type { LivenessSink, LivenessTrackerOptions } from "./liveness-contract.ts";

const isLive = (s: LivenessState): boolean => s === "unknown" || s === "up" || s === "silent";
const posNumber = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * The per-process liveness state machine, fed by events, presence and the clock:
 *
 * - (first sight) → `unknown` on presence (connected, no heartbeat yet) or `up` on a heartbeat — no alert.
 * - configured, never seen → `unknown` (never connected) → `down` (disconnected) once the start grace ends.
 * - `unknown`/`up` → `silent` when no heartbeat came for grace × the announced interval.
 * - `silent` → `up` on a heartbeat (resolved).
 * - live → (loss of presence or link) → settle window → `stopped` if a `stopped` came or the exit was
 *   expected, else `down` (disconnected). A `crash` event → `down` (crashed) at once.
 * - `down` → `up` when the process is back (presence/link up, or a heartbeat while connected).
 * - `stopped` → `up` when a new incarnation shows up (info line).
 *
 * @example
 * const t = new LivenessTracker({ clock, log, sink, heartbeatGrace: 3, settleMs: 300 });
 * t.heartbeat("mm1", { interval_ms: 5000, state: "sleeping", pid: 42 });
 * t.presence("mm1", false); // 300 ms later: sink.incident("mm1", "disconnected", ...)
 */
export class LivenessTracker {
  readonly #records: ProcessTable;
  readonly #expected: ExpectedExits;
  readonly #o: LivenessTrackerOptions;
  /** What it says happened, in the alert chats' language. */
  readonly #detail: MonitorTexts["detail"];
  readonly #info: InfoTexts;
  /** Every process's silence clock, on a few timers (a heartbeat re-arms one without a timer). */
  readonly #silence: Deadlines;
  #graceTimer?: TimerHandle;

  constructor(options: LivenessTrackerOptions) {
    this.#o = options;
    this.#detail = monitorTexts(options.lang).detail;
    this.#info = infoTexts(options.lang ?? "en");
    this.#silence = new Deadlines(options.clock);
    this.#expected = new ExpectedExits(options.clock, options.expectExitTtlMs ?? EXPECT_EXIT_TTL_MS);
    this.#records = new ProcessTable({
      clock: options.clock,
      log: options.log,
      maxProcesses: options.maxProcesses ?? 1000,
      onFirstRefusal: (id, max) => options.sink.info(id, this.#info.limitReached(id, max)),
    });
  }

  /**
   * The configured processes: known (as never connected) from now on; each one still unseen after
   * `graceMs` is one `disconnected` incident.
   */
  configure(ids: readonly string[], graceMs: number): void {
    for (const id of ids) this.#records.addConfigured(id);
    if (this.#graceTimer) this.#o.clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    if (ids.length === 0) return;
    this.#graceTimer = this.#o.clock.setTimeout(() => {
      this.#graceTimer = undefined;
      for (const rec of this.#records.values()) {
        if (!rec.neverSeen || rec.state !== "unknown") continue;
        rec.state = "down";
        rec.downKind = "disconnected";
        this.#o.sink.incident(rec.id, "disconnected", this.#detail.neverConnected);
      }
    }, graceMs);
  }

  /**
   * A `heartbeat` event: `{ state, pid, uptime_s, interval_ms, seq }`, heard at `now` (the clock's,
   * read once per heartbeat by the caller). Returns the process's record (undefined when it is not
   * tracked: the limit), for the state's batch.
   */
  heartbeat(
    id: string,
    payload: Record<string, unknown>,
    now = this.#o.clock.now(),
  ): ProcessRecord | undefined {
    const pid = posNumber(payload.pid);
    let rec = this.#records.get(id);
    if (!rec) {
      rec = this.#records.add(id, "up");
      if (!rec) return undefined;
      this.#o.log.info({ peer: id, pid }, "learned process from its heartbeat");
    }
    markSeen(rec);
    // A heartbeat travelled on our SUB link, so it is up unless an event said otherwise since.
    if (rec.link === undefined) rec.link = true;
    if (rec.state === "stopped" || rec.state === "down") {
      // A late frame of the incarnation that ended, or one that raced its own disconnect: no comeback.
      if ((pid !== undefined && pid === rec.endedPid) || !connected(rec)) return rec;
    }
    const previousPid = rec.pid;
    rec.lastHeartbeatAt = now;
    rec.intervalMs = posNumber(payload.interval_ms) ?? rec.intervalMs;
    // The same word as last time keeps the string already held (a fresh copy a second per process
    // would live just long enough to be promoted, and then be old-generation garbage).
    const strategyState = str(payload.state);
    if (strategyState !== undefined && strategyState !== rec.strategyState) rec.strategyState = strategyState;
    if (pid !== undefined) rec.pid = pid;
    switch (rec.state) {
      case "unknown":
        rec.state = "up";
        break;
      case "up":
        if (previousPid !== undefined && pid !== undefined && pid !== previousPid && !rec.settleTimer) {
          this.#o.sink.info(id, this.#info.restarted(id, previousPid, pid));
        }
        break;
      case "silent":
        rec.state = "up";
        this.#o.sink.recovered(id, this.#detail.heartbeatsBack);
        break;
      case "down":
        this.#comeBack(rec, this.#detail.heartbeatsBack, pid);
        break;
      case "stopped":
        this.#comeBack(rec, "", pid);
        break;
    }
    if (rec.state === "up" && !rec.settleTimer) this.#armSilence(rec);
    return rec;
  }

  /** A `stopped` event (planned exit): `{ reason, exit_code }`. */
  stopped(id: string, payload: Record<string, unknown>): void {
    const rec = this.#records.get(id) ?? this.#records.add(id, "unknown");
    if (!rec) return;
    markSeen(rec);
    if (rec.state === "stopped") return;
    if (rec.state === "down" && rec.downKind === "crashed") return;
    const wasIncident = rec.state === "silent" || rec.state === "down";
    this.#enterEnd(rec, "stopped");
    this.#expected.cancel([id]);
    const reason = str(payload.reason);
    const code = typeof payload.exit_code === "number" ? payload.exit_code : undefined;
    if (wasIncident) {
      this.#o.sink.recovered(id, this.#detail.stoppedAsPlanned({ reason }));
    } else {
      this.#o.sink.info(id, this.#info.stopped(id, reason, code));
    }
  }

  /** A `crash` event: `{ error, stack? }`. A crash is an alert even when the exit was expected. */
  crash(id: string, payload: Record<string, unknown>): void {
    const rec = this.#records.get(id) ?? this.#records.add(id, "unknown");
    if (!rec) return;
    markSeen(rec);
    if (rec.state === "down" && rec.downKind === "crashed") return;
    this.#enterEnd(rec, "down");
    rec.downKind = "crashed";
    this.#o.sink.incident(id, "crashed", str(payload.error) ?? this.#detail.noErrorText);
  }

  /** XPUB presence of `id` changed. A first presence is learned silently. */
  presence(id: string, up: boolean): void {
    let rec = this.#records.get(id);
    if (!rec) {
      if (!up) return;
      rec = this.#records.add(id, "unknown");
      if (!rec) return;
      rec.presence = true;
      this.#o.log.info({ peer: id }, "learned process from its presence");
      return;
    }
    rec.presence = up;
    if (up) this.#returned(rec, "presence");
    else this.#lost(rec, "presence");
  }

  /** Our SUB link to `id` came up or went down. Links alone never make a process known. */
  link(id: string, up: boolean): void {
    const rec = this.#records.get(id);
    if (!rec) return;
    rec.link = up;
    if (up) this.#returned(rec, "link");
    else this.#lost(rec, "link");
  }

  /** The bot asked these processes to exit: their next disconnect is a planned stop. */
  expectExit(ids: string[]): void {
    this.#expected.expect(ids);
  }

  /** Whether an exit asked of `id` is still awaited (its disconnect will be planned). */
  exitExpected(id: string): boolean {
    return this.#expected.has(id);
  }

  /** The requested exit failed or never arrived: the next disconnect is an incident again. */
  cancelExpectedExit(ids: string[]): void {
    this.#expected.cancel(ids);
  }

  /** The records themselves, for the state's restore and batched writes (src/monitor/persistence.ts). */
  get table(): ProcessTable {
    return this.#records;
  }

  /** Every known process, sorted by id (without mute information). */
  views(): ProcessView[] {
    return this.#records.views();
  }

  /** Forgets everything and cancels every timer. */
  clear(): void {
    for (const rec of this.#records.values()) this.#clearTimers(rec);
    this.#silence.clear();
    if (this.#graceTimer) this.#o.clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#records.clear();
    this.#expected.clear();
  }

  #clearTimers(rec: ProcessRecord): void {
    if (rec.silence) this.#silence.cancel(rec.silence);
    if (rec.settleTimer) this.#o.clock.clearTimeout(rec.settleTimer);
    rec.settleTimer = undefined;
  }

  /** The process announced its own end (stopped, crash): later frames from this pid are ignored. */
  #enterEnd(rec: ProcessRecord, state: "stopped" | "down"): void {
    this.#clearTimers(rec);
    rec.state = state;
    rec.downKind = undefined;
    rec.endedPid = rec.pid;
    rec.endedAt = this.#o.clock.now();
  }

  /** (Re)starts the silence clock: grace × the announced interval from now. The hot path of a heartbeat. */
  #armSilence(rec: ProcessRecord): void {
    if (!rec.silence) {
      const silence = deadline(() => this.#silent(rec, silence.ms));
      rec.silence = silence;
    }
    this.#silence.arm(
      rec.silence,
      this.#o.heartbeatGrace * (rec.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS),
    );
  }

  /** The silence clock ran out: no heartbeat for `graceMs` (grace × the interval when it was armed). */
  #silent(rec: ProcessRecord, graceMs: number): void {
    if (rec.state !== "up" || rec.settleTimer) return;
    rec.state = "silent";
    const quiet = this.#o.clock.now() - (rec.lastHeartbeatAt ?? this.#o.clock.now());
    this.#o.sink.incident(rec.id, "silent", this.#detail.noHeartbeatFor({ ms: Math.max(quiet, graceMs) }));
  }

  /** Presence or link came back. */
  #returned(rec: ProcessRecord, via: string): void {
    markSeen(rec);
    if (rec.settleTimer) {
      this.#o.clock.clearTimeout(rec.settleTimer);
      rec.settleTimer = undefined;
      this.#o.log.info({ peer: rec.id, via }, "connection blip: back within the settle window");
      if (rec.state === "up") this.#armSilence(rec);
      return;
    }
    if (rec.state === "down" || rec.state === "stopped")
      this.#comeBack(rec, this.#detail.connectedAgain, undefined);
  }

  /** A down or stopped process shows signs of a new life: a new incarnation, whose pid is `pid`. */
  #comeBack(rec: ProcessRecord, how: string, pid: number | undefined): void {
    const was = rec.state;
    rec.state = "up";
    rec.pid = pid;
    rec.downKind = undefined;
    rec.endedPid = undefined;
    if (was === "down") this.#o.sink.recovered(rec.id, how);
    else this.#o.sink.info(rec.id, this.#info.backAfterStop(rec.id));
    // A silence clock from the old announced interval: a new incarnation that never beats goes silent.
    if (rec.intervalMs !== undefined) this.#armSilence(rec);
  }

  /** Presence or link went away: wait `settleMs` for a `stopped` before calling it unplanned. */
  #lost(rec: ProcessRecord, via: string): void {
    // A configured process that never came has nothing to lose; its start grace speaks for it.
    if (rec.neverSeen || !isLive(rec.state) || rec.settleTimer) return;
    this.#o.log.debug({ peer: rec.id, via }, "loss signal; settling");
    rec.settleTimer = this.#o.clock.setTimeout(() => this.#settled(rec), this.#o.settleMs);
  }

  #settled(rec: ProcessRecord): void {
    rec.settleTimer = undefined;
    if (!isLive(rec.state)) return;
    if (this.#expected.take(rec.id)) {
      this.#enterEnd(rec, "stopped");
      this.#o.sink.info(rec.id, this.#info.exitedAsRequested(rec.id));
      return;
    }
    this.#clearTimers(rec);
    rec.state = "down";
    rec.downKind = "disconnected";
    this.#o.sink.incident(rec.id, "disconnected", this.#detail.noStoppedNotice);
  }
}
