/**
 * /status over many processes formats only the lines it shows (issue 17): the listing must stay
 * exactly what it was when every line was formatted first. The reference below is that rendering,
 * as it was; every fleet, target, language and budget here must give the same text.
 */
import { describe, expect, it } from "vitest";
import { TELEGRAM_TEXT_LIMIT } from "../../src/bot/format.ts";
import {
  displayState,
  narrowerTarget,
  type ProcessListing,
  renderProcessList,
  STATUS_SUMMARY_BUDGET,
} from "../../src/bot/status-view.ts";
import { formatProcess } from "../../src/bot/views.ts";
import type { StateCount } from "../../src/i18n/en/views.ts";
import { type Catalog, catalog } from "../../src/i18n/index.ts";
import type { LivenessState, ProcessView } from "../../src/monitor/types.ts";

const STATE_ORDER = ["down", "silent", "never connected", "unknown", "up", "stopped"] as const;
const UNHEALTHY: ReadonlySet<string> = new Set(["down", "silent", "never connected"]);

function tally(processes: readonly ProcessView[]): StateCount[] {
  const counts = new Map<string, number>();
  for (const p of processes) counts.set(displayState(p), (counts.get(displayState(p)) ?? 0) + 1);
  return STATE_ORDER.filter((s) => counts.has(s)).map((state) => ({ state, count: counts.get(state) ?? 0 }));
}

/** renderProcessList before issue 17: every line formatted, then the summary picked from them. */
function reference(
  processes: readonly ProcessView[],
  now: number,
  target?: string,
  options: { t?: Catalog; budget?: number } = {},
): ProcessListing {
  const t = options.t ?? catalog("en");
  const budget = options.budget ?? STATUS_SUMMARY_BUDGET;
  const lines = processes.map((p) => formatProcess(p, now, t));
  const plain = target ? lines.join("\n") : t.views.processList({ count: processes.length, lines });
  if (plain.length <= TELEGRAM_TEXT_LIMIT) return { text: plain, summarized: false };
  const rank = (p: ProcessView) => STATE_ORDER.indexOf(displayState(p) as (typeof STATE_ORDER)[number]);
  const ordered = processes
    .map((p, i) => ({ p, i, line: lines[i] ?? "" }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i);
  const head = t.views.summaryHead({ target, count: processes.length, tally: tally(processes) });
  const unhealthy = processes.some((p) => UNHEALTHY.has(displayState(p)));
  const out = [head, t.views.summaryOrder({ unhealthy })];
  let used = out.join("\n").length + 300;
  let shown = 0;
  for (const { line } of ordered) {
    if (used + line.length + 1 > budget) break;
    out.push(line);
    used += line.length + 1;
    shown++;
  }
  const hidden = ordered.slice(shown).map((o) => o.p);
  if (hidden.length > 0) {
    out.push(
      t.views.summaryMore({
        hidden: hidden.length,
        tally: tally(hidden),
        narrower: narrowerTarget(processes, hidden),
      }),
    );
  }
  return { text: out.join("\n"), summarized: true };
}

/** A deterministic pseudo-random fleet: states, strategy words of all lengths, mutes, never-seen. */
function fleet(n: number, seed: number): ProcessView[] {
  let x = seed;
  const rnd = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const states: LivenessState[] = ["up", "up", "up", "silent", "down", "unknown", "stopped"];
  return Array.from({ length: n }, (_, i) => {
    const state = states[Math.floor(rnd() * states.length)] as LivenessState;
    const v: ProcessView = { id: `p${String(i).padStart(4, "0")}`, state, connected: rnd() < 0.8 };
    if (rnd() < 0.9) v.strategyState = "s".repeat(1 + Math.floor(rnd() * 60));
    if (rnd() < 0.9) v.lastHeartbeatAt = 1_000_000 - Math.floor(rnd() * 5_000_000);
    if (rnd() < 0.1) v.mutedUntil = 1_000_000 + Math.floor(rnd() * 3_600_000);
    if (rnd() < 0.05) v.neverConnected = true;
    return v;
  });
}

describe("renderProcessList formats only what it shows, and says the same", () => {
  it("matches the full rendering for every size, target, language and budget", () => {
    const sizes = [0, 1, 2, 30, 50, 55, 60, 70, 100, 1000, 3000];
    let summarized = 0;
    let plain = 0;
    for (const n of sizes) {
      for (const seed of [1, 2, 3]) {
        const processes = fleet(n, seed * 7919 + n);
        for (const target of [undefined, "p*", "p0*"]) {
          for (const lang of ["en", "zh"] as const) {
            for (const budget of [undefined, 2000, 400]) {
              const options = { t: catalog(lang), ...(budget !== undefined ? { budget } : {}) };
              const got = renderProcessList(processes, 1_000_000, target, options);
              expect(got, `${n} ${seed} ${target} ${lang} ${budget}`).toEqual(
                reference(processes, 1_000_000, target, options),
              );
              if (got.summarized) summarized++;
              else plain++;
            }
          }
        }
      }
    }
    // Both sides of the one-message limit were exercised.
    expect(summarized).toBeGreaterThan(100);
    expect(plain).toBeGreaterThan(100);
  });

  it("matches it right at the one-message limit", () => {
    // Lines of equal length: the listing crosses 4,096 characters between two process counts.
    const base = fleet(200, 5).map((p) => ({ ...p, state: "up" as const, strategyState: "sleeping" }));
    for (let n = 40; n <= 80; n++) {
      const processes = base.slice(0, n);
      for (const target of [undefined, "p*"]) {
        const options = { t: catalog("en") };
        expect(renderProcessList(processes, 1_000_000, target, options), `${n} ${target}`).toEqual(
          reference(processes, 1_000_000, target, options),
        );
      }
    }
  });
});
