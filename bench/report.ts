/**
 * The results table and bench/results.json. The JSON has the keys of issue 7 (and of issue 12: the
 * round trip through the proxy; of issue 13: the monitor without its state, alert enqueue → Bot
 * API request; of issue 15: the Python runtime beside the TypeScript one and seed 003's design; of
 * issue 17: every side-by-side figure with its floor and their ratio, measured interleaved),
 * all numbers, or null for a figure whose stage was skipped (NaN: not root; no /usr/bin/python3
 * with zmq, or no missionctl package);
 * the table adds the context needed to read them (targets, extra percentiles, machine load).
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** The keys of bench/results.json, in order, with their target (`max`: the figure must not exceed it). */
export const KEYS = {
  rtt_p50_us: undefined,
  rtt_p99_us: undefined,
  floor_rtt_p50_us: undefined,
  floor_rtt_p99_us: undefined,
  rtt_p50_ratio: 1.1,
  rtt_p99_ratio: 1.3,
  raw_rtt_p50_us: undefined,
  rtt_ratio: undefined,
  proxy_rtt_p50_us: undefined,
  proxy_rtt_ratio: 1.15,
  interrupt_p99_ms: undefined,
  floor_oneway_p99_ms: undefined,
  interrupt_p99_ratio: 1.2,
  send_wall_ms: 150,
  floor_send_wall_ms: undefined,
  send_ratio: 2,
  proxy_send_wall_ms: 150,
  proxy_send_ratio: 2,
  idle_cpu_pct: 0.5,
  exit20_ms: 300,
  kill_alert_ms: 1000,
  link_down_alert_ms: 5000,
  monitor_cpu_pct: 10,
  monitor_cpu_nostate_pct: undefined,
  monitor20k_cpu_pct: 10,
  status1000_render_ms: 50,
  alert_request_p99_ms: undefined,
  bot_rss_mb: 100,
  bot_rss_1000_mb: 100,
  bot_rss_1000_noflag_mb: undefined,
  bot_rss_ipc1000_mb: undefined,
  floor_rss_ipc1000_mb: undefined,
  python_idle_cpu_pct: 0.5,
  py_interrupt_p50_ms: undefined,
  py_interrupt_p99_ms: undefined,
  ts_interrupt_p50_ms: undefined,
  ts_interrupt_p99_ms: undefined,
  py_interrupt_ratio: undefined,
  py_rtt_p50_us: undefined,
  py_rtt_p99_us: undefined,
  seed003_rtt_p50_us: undefined,
  seed003_rtt_p99_us: undefined,
  py_rtt_ratio: 1.0,
} as const;

export type Results = Record<keyof typeof KEYS, number>;

const round = (n: number): number => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

/** Writes results.json (exactly the keys) and prints the table; returns the missed targets. */
export function report(results: Results, notes: Record<string, string>, file: URL): string[] {
  const json = Object.fromEntries(
    Object.keys(KEYS).map((k) => [k, round(results[k as keyof Results] ?? Number.NaN)]),
  );
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  const missed: string[] = [];
  const rows = Object.entries(KEYS).map(([key, target]) => {
    const value = results[key as keyof Results];
    // NaN or absent: the stage was skipped (its progress line says why); neither met nor missed.
    const skipped = value === undefined || Number.isNaN(value);
    const ok = target === undefined ? "" : skipped ? "skipped" : value <= target ? "met" : "MISSED";
    if (ok === "MISSED") missed.push(key);
    const shown = skipped ? "—" : String(round(value));
    return [key, shown, target === undefined ? "" : `≤ ${target}`, ok, notes[key] ?? ""];
  });
  const head = ["figure", "value", "target", "", "detail"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  console.log();
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(
    `\n${cpus().length} cores, load average now ${load.join(" / ")} (1 / 5 / 15 min); node ${process.version}`,
  );
  console.log(`written: ${file.pathname}`);
  return missed;
}
