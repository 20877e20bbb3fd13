/**
 * Issue 10, part 5: heartbeats for 3,000 ids (as from 3,000 peers: a single peer inventing ids is
 * refused by the IPC layer already) through the whole bot — monitor, /status, notifier — on one
 * FakeClock. Before the fix: every id tracked, /status 74 messages, one Telegram message per
 * `silent` alert, and a real crash queued behind all of them.
 */
import { afterEach, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import type { IpcCommand } from "../../src/ipc/codec.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;
const ALERTS = -100;
const FLOOD = 3000;

let h: BotHarness;
afterEach(() => h?.close());

const floodId = (i: number) => `f${String(i).padStart(4, "0")}`;

function heartbeatFrom(id: string, now: number): IpcCommand {
  return {
    command_id: `${id}_${now}`,
    sender_id: id,
    target_id: "*",
    command_type: "heartbeat",
    payload: { state: "sleeping", pid: 4242, uptime_s: 1, interval_ms: 5000, seq: 1 },
    timestamp: now * 1000,
  };
}

it("3,000 ids: bounded tracking, /status in ≤ 2 messages, alerts in a few grouped messages, a crash first", async () => {
  const clock = new FakeClock(Date.now());
  h = await createHarness({
    operators: [OP],
    alertChats: [ALERTS],
    clock,
    env: { MISSIONCTL_PROCESSES: "mm1" },
  });
  // A strategy runtime on the same clock: it heartbeats at start and every 5 s as the clock moves.
  const mm1 = await h.addStrategy("mm1");
  // The flood: 3,000 ids over one heartbeat interval (5 s).
  for (let chunk = 0; chunk < FLOOD / 100; chunk++) {
    for (let i = chunk * 100; i < (chunk + 1) * 100; i++)
      h.ipc.emit("message", heartbeatFrom(floodId(i), clock.now()), floodId(i));
    await h.advance(166, 166);
  }
  const tracked = h.monitor.processes();
  expect(tracked).toHaveLength(1000); // mm1 (configured) and the first 999 ids
  expect(tracked.some((p) => p.id === "mm1")).toBe(true);

  // The flood goes silent 15 s after its heartbeats; the Bot API rate-limits the first alert for 30 s.
  await h.advance(9000, 250);
  h.telegram.failNext(1, { code: 429, retryAfter: 30 }, ["sendMessage"]);
  await h.advance(3000, 250);
  expect(h.monitor.incidents().length).toBeGreaterThan(500);
  expect(await mm1.crash("Error: boom")).toBe(1); // a real crash, while hundreds of silent alerts wait
  await h.advance(120_000, 500);

  const incidents = h.monitor.incidents();
  expect(incidents.filter((i) => i.kind === "silent")).toHaveLength(999);
  expect(incidents.find((i) => i.id === "mm1")).toMatchObject({ kind: "crashed" });

  const alerts = h.messages(ALERTS).map((m) => m.text);
  expect(alerts.length).toBeLessThanOrEqual(6);
  for (const text of alerts) expect(text.length).toBeLessThanOrEqual(4096);
  // The limit was told once, quietly; then the crash, before any of the silent alerts queued before it.
  expect(alerts[0]).toMatch(/^⚠️ not tracking f0999: the monitor already tracks 1,000 processes/);
  expect(alerts[1]).toBe("🔴 mm1 crashed: Error: boom");
  const silentMessages = alerts.slice(2);
  expect(silentMessages.length).toBeGreaterThan(0);
  // Every silent incident is in a message: listed on its own line, or counted in a folded line.
  let counted = 0;
  for (const text of silentMessages) {
    for (const line of text.split("\n")) {
      const folded = /^🟡 and ([\d,]+) more \(([\d,]+) silent\)/.exec(line);
      if (folded) counted += Number(folded[1]?.replace(/,/g, ""));
      else if (/^🟡 f\d{4} silent: /.test(line)) counted++;
    }
  }
  expect(counted).toBe(999);
  const sends = h.telegram.callsTo("sendMessage").filter((c) => c.payload.chat_id === ALERTS);
  expect(sends.filter((c) => c.failedWith === "429")).toHaveLength(1);

  // /status: a summary in at most two messages, unhealthy first, with a narrower target for the rest.
  await h.send(OP, "/status");
  await h.idle();
  const status = h.messages(OP).filter((m) => m.from === "bot");
  expect(status.length).toBeLessThanOrEqual(2);
  const text = status.map((m) => m.text).join("\n");
  expect(text).toMatch(/^Processes \(1,000\): 1 down, 999 silent\n/);
  expect(text.split("\n")[2]).toMatch(/^mm1 — down/);
  expect(text).toMatch(
    /\n… and [\d,]+ more \([\d,]+ silent\): narrow the target, e.g. \/status f0\*\nLayout: one machine \(ipc in .+\)\.$/,
  );

  // /alerts, which the grouped alerts point to: bounded as well, the crash first.
  const beforeAlerts = h.messages(OP).length;
  await h.send(OP, "/alerts");
  await h.idle();
  const open = h.messages(OP).slice(beforeAlerts);
  expect(open.length).toBeLessThanOrEqual(2);
  expect(open[0]?.text).toMatch(/^Open incidents \(1,000\): 1 crashed, 999 silent\nmm1 — crashed since /);

  // The narrower target: the same rules for the matched set, and no status request to 999 processes.
  const before = h.messages(OP).length;
  await h.send(OP, "/status f0*");
  await h.idle();
  const narrowed = h
    .messages(OP)
    .slice(before)
    .filter((m) => m.from === "bot");
  expect(narrowed.length).toBeLessThanOrEqual(2);
  expect(narrowed[0]?.text).toMatch(/^f0\*: 999 processes — 999 silent\n/);
  expect(narrowed.at(-1)?.text).toMatch(/e\.g\. \/status f01\*\n\(Too many to ask each for its own status/);
});
