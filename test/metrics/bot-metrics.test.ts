/**
 * The bot's metrics end to end: the real bot pipeline of the test harness, its metrics attached to
 * a registry served over real HTTP on 127.0.0.1, scraped after driving the bot.
 */
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { encodeTopic } from "../../src/ipc/codec.ts";
import { attachBotMetrics } from "../../src/metrics/bot-metrics.ts";
import { BotHealth } from "../../src/metrics/health.ts";
import { type MetricsServer, startMetricsServer } from "../../src/metrics/server.ts";
import { type BotHarness, createHarness, type HarnessOptions } from "../../src/testing/index.ts";
import { flush } from "../helpers.ts";
import { scrape } from "./scrape.ts";

const OP = 1001;

describe("the bot's metrics, scraped over HTTP", () => {
  let h: BotHarness | undefined;
  let server: MetricsServer | undefined;
  let detach = () => {};
  afterEach(async () => {
    detach();
    await server?.close();
    await h?.close();
    h = undefined;
    server = undefined;
  });

  async function start(
    options: HarnessOptions = {},
  ): Promise<{ h: BotHarness; url: string; health: BotHealth }> {
    h = await createHarness({ operators: [OP], settleMs: 50, ...options });
    const health = new BotHealth();
    const registry = new Registry();
    detach = attachBotMetrics(registry, {
      runtime: h.runtime,
      ipc: h.ipc,
      ...(h.state ? { state: h.state } : {}),
      health,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry, health });
    return { h, url: server.url, health };
  }

  it("per-process gauges: up, connected, heartbeat age and the state set", async () => {
    const clock = new FakeClock(Date.parse("2026-12-01T12:00:00Z"));
    const { h, url } = await start({ clock });
    await h.addStrategy("mm1");
    await h.addStrategy("mm2");
    await h.advance(1200);
    const s = await scrape(url);
    for (const process of ["mm1", "mm2"]) {
      expect(s.value("missionctl_process_up", { process })).toBe(1);
      expect(s.value("missionctl_process_connected", { process })).toBe(1);
      const last = h.monitor.processes().find((p) => p.id === process)?.lastHeartbeatAt as number;
      expect(s.value("missionctl_process_heartbeat_age_seconds", { process })).toBe(
        (clock.now() - last) / 1000,
      );
      expect(s.value("missionctl_process_state", { process, state: "up" })).toBe(1);
      for (const state of ["unknown", "silent", "down", "stopped"])
        expect(s.value("missionctl_process_state", { process, state })).toBe(0);
    }
    expect(s.value("missionctl_process_heartbeat_age_seconds", { process: "mm1" })).toBeGreaterThanOrEqual(
      1.2,
    );
  });

  it("a /ping is one round-trip sample, labelled ping / ok", async () => {
    const { h, url } = await start();
    await h.addStrategy("mm1");
    const before = await scrape(url);
    expect(
      before.value("missionctl_command_round_trip_seconds_count", { command: "ping", outcome: "ok" }),
    ).toBe(undefined);
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok/);
    await h.idle(); // command.done is published once the command has ended
    const s = await scrape(url);
    const labels = { command: "ping", outcome: "ok" };
    expect(s.value("missionctl_command_round_trip_seconds_count", labels)).toBe(1);
    expect(s.value("missionctl_command_round_trip_seconds_bucket", { ...labels, le: "+Inf" })).toBe(1);
    const sum = s.value("missionctl_command_round_trip_seconds_sum", labels) as number;
    expect(sum).toBeGreaterThanOrEqual(0);
    expect(sum).toBeLessThan(5);
    // A command that sends nothing (/whoami) has no round trip.
    await h.send(OP, "/whoami");
    await h.waitForMessage(/role operator/);
    await h.idle();
    expect((await scrape(url)).labelValues("missionctl_command_round_trip_seconds_count", "command")).toEqual(
      ["ping"],
    );
  });

  it("alerts by kind: a SIGKILL-like death is one disconnected alert, a crash one crashed alert", async () => {
    const { h, url } = await start();
    const mm1 = await h.addStrategy("mm1");
    const mm2 = await h.addStrategy("mm2");
    const before = await scrape(url);
    for (const kind of ["crashed", "disconnected", "silent"])
      expect(before.value("missionctl_alerts_total", { kind })).toBe(0);

    await mm1.kill();
    await h.waitForMessage("🔴 mm1 disconnected", { chatId: OP });
    await mm2.crash("boom");
    await h.waitForMessage(/🔴 mm2 crashed/, { chatId: OP });
    const s = await scrape(url);
    expect(s.value("missionctl_alerts_total", { kind: "disconnected" })).toBe(1);
    expect(s.value("missionctl_alerts_total", { kind: "crashed" })).toBe(1);
    expect(s.value("missionctl_alerts_total", { kind: "silent" })).toBe(0);
    expect(s.value("missionctl_process_up", { process: "mm1" })).toBe(0);
    expect(s.value("missionctl_process_state", { process: "mm1", state: "down" })).toBe(1);
  });

  it("frames dropped by reason, read from the command system's counters", async () => {
    const { h, url } = await start();
    const before = await scrape(url);
    expect(before.value("missionctl_ipc_frames_dropped_total", { reason: "bad_json" })).toBe(0);
    expect(before.labelValues("missionctl_ipc_frames_dropped_total", "reason")).toEqual([
      "bad_json",
      "bad_schema",
      "handler_threw",
      "sender_mismatch",
      "too_large",
      "too_short",
      "topic_mismatch",
    ]);
    const evil = h.transport("evil");
    await evil.start();
    h.hear("evil");
    await flush();
    await evil.publish(Buffer.concat([encodeTopic("chatops", "ping"), Buffer.from("{oops")]));
    await evil.publish(Buffer.concat([encodeTopic("chatops", "ping"), Buffer.from("{oops")]));
    await evil.publish(Buffer.from("chatops.ping {}")); // shorter than the 64-byte topic
    await flush();
    const s = await scrape(url);
    expect(s.value("missionctl_ipc_frames_dropped_total", { reason: "bad_json" })).toBe(2);
    expect(s.value("missionctl_ipc_frames_dropped_total", { reason: "too_short" })).toBe(1);
    expect(s.value("missionctl_ipc_frames_dropped_total", { reason: "bad_schema" })).toBe(0);
    await evil.close();
  });

  it("Bot API retries by cause, after the fake Telegram fails with 429, 5xx and a network error", async () => {
    const { h, url } = await start();
    h.telegram.failNext(1, { code: 429, retryAfter: 0 }, ["sendMessage"]);
    h.telegram.failNext(2, { code: 502 }, ["sendMessage"]);
    h.telegram.failNext(1, { network: true }, ["sendMessage"]);
    await h.send(OP, "/whoami");
    await h.waitForMessage(/role operator/);
    const s = await scrape(url);
    expect(s.value("missionctl_telegram_retries_total", { cause: "429" })).toBe(1);
    expect(s.value("missionctl_telegram_retries_total", { cause: "5xx" })).toBe(2);
    expect(s.value("missionctl_telegram_retries_total", { cause: "network" })).toBe(1);
  });

  it("alert retries of the notifier's own queue count too", async () => {
    const { h, url } = await start();
    const mm1 = await h.addStrategy("mm1");
    h.telegram.failNext(1, { code: 503 }, ["sendMessage"]);
    await mm1.kill();
    await h.waitForMessage("🔴 mm1 disconnected", { chatId: OP });
    expect((await scrape(url)).value("missionctl_telegram_retries_total", { cause: "5xx" })).toBe(1);
  });

  it("the outbox depth, read from the state at scrape time", async () => {
    const { h, url } = await start();
    expect((await scrape(url)).value("missionctl_alert_outbox_depth")).toBe(0);
    const mm1 = await h.addStrategy("mm1");
    // Telegram down: the alert waits in the outbox.
    h.telegram.failNext(1000, { code: 500 }, ["sendMessage"]);
    await mm1.kill();
    await h.waitUntil(() => h.state?.outbox.size(), { what: "the alert in the outbox" });
    expect((await scrape(url)).value("missionctl_alert_outbox_depth")).toBe(1);
  });

  it("no outbox gauge without a state", async () => {
    const { url } = await start({ state: false });
    const s = await scrape(url);
    expect(s.series("missionctl_alert_outbox_depth")).toEqual([]);
    expect(s.series("missionctl_alerts_total")).toHaveLength(3);
  });

  it("prom-client's default process metrics are on the bot's own registry", async () => {
    const { url } = await start();
    const s = await scrape(url);
    expect(s.value("process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(s.value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(s.series("nodejs_heap_size_used_bytes")).toHaveLength(1);
    expect(s.series("nodejs_eventloop_lag_p99_seconds")).toHaveLength(1);
  });

  it("process labels are bounded by MISSIONCTL_MAX_PROCESSES", async () => {
    const { h, url } = await start({ env: { MISSIONCTL_MAX_PROCESSES: "2" } });
    await h.addStrategy("mm1");
    await h.addStrategy("mm2");
    await h.addStrategy("mm3"); // connected, but past the monitor's limit: not tracked
    await h.waitUntil(() => h.ipc.isReachable("mm3"));
    const s = await scrape(url);
    expect(s.labelValues("missionctl_process_up", "process")).toEqual(["mm1", "mm2"]);
    expect(s.labelValues("missionctl_process_state", "process")).toEqual(["mm1", "mm2"]);
    expect(s.series("missionctl_process_state")).toHaveLength(2 * 5);
  });

  it("a forgotten process is gone from the gauges", async () => {
    const clock = new FakeClock(Date.parse("2026-12-01T12:00:00Z"));
    const { h, url } = await start({ clock, env: { MISSIONCTL_FORGET_AFTER_MS: "60000" } });
    const mm1 = await h.addStrategy("mm1");
    await mm1.kill();
    await h.advance(500);
    await h.waitForMessage("🔴 mm1 disconnected", { chatId: OP });
    const down = await scrape(url);
    expect(down.value("missionctl_process_state", { process: "mm1", state: "down" })).toBe(1);
    expect(down.value("missionctl_process_heartbeat_age_seconds", { process: "mm1" })).toBeGreaterThan(0);
    // The monitor looks for processes to forget once an hour.
    await h.advance(3_600_000, 60_000);
    await h.waitUntil(() => h.monitor.processes().length === 0, { what: "mm1 forgotten" });
    const s = await scrape(url);
    for (const name of [
      "missionctl_process_up",
      "missionctl_process_connected",
      "missionctl_process_heartbeat_age_seconds",
      "missionctl_process_state",
    ])
      expect(s.series(name)).toEqual([]);
  });

  it("/healthz: 200 while Telegram and the IPC are up, 503 naming the IPC once it is stopped", async () => {
    const { h, url, health } = await start();
    // The harness does not poll: "telegram" is set as polling or the webhook would set it.
    health.set("telegram", true);
    let res = await fetch(`${url}/healthz`);
    expect([res.status, await res.text()]).toEqual([200, "ok\n"]);
    expect((await scrape(url)).value("missionctl_health", { part: "ipc" })).toBe(1);

    await h.ipc.stop();
    res = await fetch(`${url}/healthz`);
    expect([res.status, await res.text()]).toEqual([503, "down: ipc\n"]);
    const s = await scrape(url);
    expect(s.value("missionctl_health", { part: "ipc" })).toBe(0);
    expect(s.value("missionctl_health", { part: "telegram" })).toBe(1);

    health.set("telegram", false);
    res = await fetch(`${url}/healthz`);
    expect([res.status, await res.text()]).toEqual([503, "down: telegram, ipc\n"]);
  });

  it("detach stops the listeners: later alerts are not counted", async () => {
    const { h, url } = await start();
    const mm1 = await h.addStrategy("mm1");
    detach();
    await mm1.kill();
    await h.waitForMessage("🔴 mm1 disconnected", { chatId: OP });
    expect((await scrape(url)).value("missionctl_alerts_total", { kind: "disconnected" })).toBe(0);
  });
});
