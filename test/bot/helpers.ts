import { createLogger, type Logger } from "../../src/log.ts";
import type { Incident, MonitorApi, Mute, ProcessView } from "../../src/monitor/types.ts";

/** A logger whose JSON lines land in `lines` (to assert on the audit log). */
export function captureLogger(level = "info"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** A MonitorApi that records what the bot asks of it. */
export class FakeMonitor implements MonitorApi {
  views: ProcessView[] = [];
  open: Incident[] = [];
  muted: Mute[] = [];
  readonly expected: string[][] = [];
  processes(): ProcessView[] {
    return this.views;
  }
  incidents(): Incident[] {
    return this.open;
  }
  mutes(): Mute[] {
    return this.muted;
  }
  mute(target: string, durationMs: number, by?: string): Mute {
    const m = { target, until: Date.now() + durationMs, ...(by ? { by } : {}) };
    this.muted.push(m);
    return m;
  }
  unmute(target: string): number {
    const before = this.muted.length;
    this.muted = this.muted.filter((m) => m.target !== target);
    return before - this.muted.length;
  }
  readonly cancelled: string[][] = [];
  cancelExpectedExit(ids: string[]): void {
    this.cancelled.push(ids);
  }
  expectExit(ids: string[]): void {
    this.expected.push(ids);
  }
}

export const auditLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.audit === true);
