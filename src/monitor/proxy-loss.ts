/**
 * Losing the proxy is one incident, not N (docs/protocol.md, several hosts): while the bot's link
 * to the proxy is down, every process looks gone at once (a burst of unsubscriptions). This sink
 * sits between the liveness state machine and the alert policy: it opens one `proxy` incident
 * instead, holds the processes' own incidents, and once the link is back and the processes have
 * had `returnGraceMs` to subscribe again, resolves it and lets through only the processes that are
 * still missing, as ordinary `disconnected` alerts.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import type { Lang } from "../i18n/index.ts";
import type { Logger } from "../log.ts";
import type { LivenessSink } from "./liveness.ts";
import { type MonitorTexts, monitorTexts } from "./texts.ts";
import type { IncidentKind } from "./types.ts";

/** The id the proxy's incident is filed under (alerts, /alerts, mutes). */
export const PROXY_INCIDENT_ID = "proxy";

export interface ProxyLossOptions {
  sink: LivenessSink;
  clock: Clock;
  log: Logger;
  /** The processes connected right now (to count who became unreachable). */
  connected: () => string[];
  /** How long after the link is back the processes may take to subscribe again (default 5 s). */
  returnGraceMs?: number;
  /** The language of the details it reports (MISSIONCTL_LANG; default English). */
  lang?: Lang;
}

interface Held {
  kind: IncidentKind;
  detail: string;
}

/**
 * A {@link LivenessSink} that folds a lost proxy link into one incident.
 *
 * @example
 * const loss = new ProxyLoss({ sink: book, clock, log, connected: () => ipc.presence.ids() });
 * const tracker = new LivenessTracker({ sink: loss, ... });
 * loss.link(false); // "🔴 proxy disconnected (lost the link at 12:03 UTC: 3 processes unreachable …)"
 */
export class ProxyLoss implements LivenessSink {
  readonly #o: ProxyLossOptions;
  readonly #detail: MonitorTexts["detail"];
  readonly #grace: number;
  #down = false;
  /** Incidents the tracker raised while the link was down (or coming back), by process. */
  readonly #held = new Map<string, Held>();
  #returnTimer: TimerHandle | undefined;
  #lostAt = 0;
  #reachable: string[] = [];

  constructor(options: ProxyLossOptions) {
    this.#o = options;
    this.#detail = monitorTexts(options.lang).detail;
    this.#grace = options.returnGraceMs ?? 5000;
  }

  /** True from the loss of the link until the processes have had their chance to come back. */
  get holding(): boolean {
    return this.#down || this.#returnTimer !== undefined;
  }

  /** The link to the proxy went down (`false`) or came back (`true`). */
  link(up: boolean): void {
    if (!up && !this.#down) {
      this.#down = true;
      if (this.#returnTimer !== undefined) {
        // Lost again while processes were coming back: still the same incident.
        this.#o.clock.clearTimeout(this.#returnTimer);
        this.#returnTimer = undefined;
        return;
      }
      this.#lostAt = this.#o.clock.now();
      this.#reachable = this.#o.connected().filter((id) => id !== PROXY_INCIDENT_ID);
      this.#o.log.warn({ unreachable: this.#reachable }, "lost the link to the proxy");
      this.#o.sink.incident(
        PROXY_INCIDENT_ID,
        "disconnected",
        this.#detail.proxyLost({ at: this.#lostAt, unreachable: this.#reachable }),
      );
    } else if (up && this.#down) {
      this.#down = false;
      this.#o.log.info({ graceMs: this.#grace }, "the link to the proxy is back");
      this.#returnTimer = this.#o.clock.setTimeout(() => this.#settle(), this.#grace);
    }
  }

  /** After the grace: the proxy incident ends; whoever is still missing is alerted as usual. */
  #settle(): void {
    this.#returnTimer = undefined;
    const present = new Set(this.#o.connected());
    const back = this.#reachable.filter((id) => present.has(id)).length;
    this.#o.sink.recovered(PROXY_INCIDENT_ID, this.#detail.proxyBack({ back, of: this.#reachable.length }));
    const held = [...this.#held];
    this.#held.clear();
    for (const [id, h] of held) this.#o.sink.incident(id, h.kind, h.detail);
  }

  incident(id: string, kind: IncidentKind, detail: string): void {
    if (this.holding) this.#held.set(id, { kind, detail: this.#detail.stillMissing({ detail }) });
    else this.#o.sink.incident(id, kind, detail);
  }

  recovered(id: string, how: string): void {
    // A held incident was never announced: its end is no news either.
    if (this.#held.delete(id)) return;
    this.#o.sink.recovered(id, how);
  }

  info(id: string, text: string): void {
    this.#o.sink.info(id, text);
  }

  /** Cancels the pending return check (monitor stop). */
  clear(): void {
    if (this.#returnTimer !== undefined) this.#o.clock.clearTimeout(this.#returnTimer);
    this.#returnTimer = undefined;
    this.#held.clear();
    this.#down = false;
  }
}
