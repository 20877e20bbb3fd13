/**
 * The Grafana dashboard and the Prometheus rules in deploy/: well-formed, on the data source
 * variable, and naming only metrics the bot really exports.
 */
import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachBotMetrics } from "../../src/metrics/bot-metrics.ts";
import { BotHealth } from "../../src/metrics/health.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const dashboard = JSON.parse(readFileSync("deploy/grafana/missionctl.json", "utf8")) as {
  uid: string;
  templating: { list: { name: string; type: string; query: unknown }[] };
  panels: {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string; datasource: { uid: string } }[];
  }[];
};
/** Grafana's reference to the data source variable (a plain string, not a template literal). */
const DATASOURCE = ["$", "{datasource}"].join("");
const rules = readFileSync("deploy/prometheus/missionctl-rules.yml", "utf8");

/** Every metric the bot exports, by exposition name (a histogram's _bucket, _sum and _count). */
let exported: Set<string>;
let h: BotHarness;
beforeAll(async () => {
  h = await createHarness();
  const registry = new Registry();
  attachBotMetrics(registry, {
    runtime: h.runtime,
    ipc: h.ipc,
    ...(h.state ? { state: h.state } : {}),
    health: new BotHealth(),
  });
  exported = new Set();
  for (const m of await registry.getMetricsAsJSON()) {
    exported.add(m.name);
    if (String(m.type) === "histogram")
      for (const s of ["_bucket", "_sum", "_count"]) exported.add(m.name + s);
  }
});
afterAll(() => h.close());

const metricNames = (text: string) =>
  [...text.matchAll(/\b((?:missionctl|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);

describe("deploy/grafana/missionctl.json", () => {
  const panels = dashboard.panels.filter((p) => p.type !== "row");
  const exprs = panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);

  it("takes its Prometheus data source as a variable, in every panel and query", () => {
    expect(dashboard.templating.list.find((v) => v.name === "datasource")).toMatchObject({
      type: "datasource",
      query: "prometheus",
    });
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe(DATASOURCE);
      for (const t of p.targets ?? []) expect(t.datasource.uid, p.title).toBe(DATASOURCE);
    }
  });

  it("names only metrics the bot exports, and shows every family of them", () => {
    const used = new Set(exprs.flatMap(metricNames));
    for (const name of used) expect(exported, name).toContain(name);
    for (const name of [
      "missionctl_process_up",
      "missionctl_process_heartbeat_age_seconds",
      "missionctl_process_state",
      "missionctl_command_round_trip_seconds_bucket",
      "missionctl_alerts_total",
      "missionctl_ipc_frames_dropped_total",
      "missionctl_telegram_retries_total",
      "missionctl_alert_outbox_depth",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
    ])
      expect(used, name).toContain(name);
    expect(exprs.filter((e) => e.startsWith("histogram_quantile(0.5,"))).toHaveLength(1);
    expect(exprs.filter((e) => e.startsWith("histogram_quantile(0.99,"))).toHaveLength(1);
  });

  it("has unique panel ids and no overlapping panels", () => {
    const all = dashboard.panels as unknown as {
      id: number;
      gridPos: { x: number; y: number; w: number; h: number };
    }[];
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    const cells = new Set<string>();
    for (const p of all)
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `panel ${p.id} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
  });
});

describe("deploy/prometheus/missionctl-rules.yml", () => {
  it("alerts when the bot is down or not scraped at all", () => {
    expect(rules).toMatch(/expr: up\{job="missionctl"\} == 0\n\s+for: \d+m/);
    expect(rules).toMatch(/expr: absent\(up\{job="missionctl"\}\)\n\s+for: \d+m/);
  });

  it("names only metrics the bot exports", () => {
    const used = metricNames(rules.replace(/^\s*#.*$/gm, ""));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(exported, name).toContain(name);
  });
});
