/**
 * What survives a restart of the bot (docs/state.md), with the real bot runtime on a real SQLite
 * file: a second harness on the same file is the bot after its restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness, type HarnessOptions } from "../../src/testing/index.ts";

const OP = 1;
let dir: string;
const open: BotHarness[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mctl-restart-"));
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bot on the test's state file. */
async function bot(options: HarnessOptions = {}): Promise<BotHarness> {
  const h = await createHarness({
    operators: [OP],
    state: join(dir, "state.db"),
    restoreGraceMs: 300,
    ...options,
  });
  open.push(h);
  return h;
}

/** Stops a bot as a restart does (its strategies go with it, unheard). */
async function stop(h: BotHarness): Promise<void> {
  open.splice(open.indexOf(h), 1);
  await h.close();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alertsAbout = (h: BotHarness, id: string) =>
  h.messages(OP).filter((m) => new RegExp(`\\b${id} (crashed|disconnected|silent)`).test(m.text));

describe("after a restart", () => {
  it("mutes still hold, with their expiry", async () => {
    const before = await bot();
    await before.send(OP, "/mute mm1 2h");
    await before.send(OP, "/unmute nothing");
    const [mute] = before.monitor.mutes();
    await stop(before);

    const after = await bot();
    expect(after.monitor.mutes()).toEqual([mute]);
    await after.send(OP, "/alerts");
    await after.waitForMessage(/Mutes \(1\):\nmm1 — muted until/);
  });

  it("a process up before and present now is not announced; one that died meanwhile is alerted once", async () => {
    const before = await bot();
    await before.addStrategy("mm1");
    await before.addStrategy("mm2");
    await before.waitUntil(() => before.monitor.processes().filter((p) => p.state === "up").length === 2, {
      what: "both up",
    });
    await stop(before); // mm2 "dies" with it; mm1 comes back below

    const after = await bot();
    // Known at once, before any sign of life: /status lists both.
    expect(after.monitor.processes().map((p) => p.id)).toEqual(["mm1", "mm2"]);
    await after.addStrategy("mm1");
    const alert = await after.waitForMessage(/mm2 disconnected/);
    expect(alert.text).toMatch(
      /^🔴 mm2 disconnected \(while the bot was down, last heartbeat at \d\d:\d\d UTC\)$/,
    );
    await sleep(800);
    expect(alertsAbout(after, "mm2")).toHaveLength(1);
    expect(alertsAbout(after, "mm1")).toHaveLength(0);
    expect(after.messages(OP).some((m) => /mm1/.test(m.text))).toBe(false);
    expect(after.monitor.processes().map((p) => [p.id, p.state])).toEqual([
      ["mm1", "up"],
      ["mm2", "down"],
    ]);
  });

  it("an open incident goes on without a new alert, and its repeats keep their schedule", async () => {
    const env = { MISSIONCTL_ALERT_REPEAT_MS: "4000" };
    const before = await bot({ env });
    const mm1 = await before.addStrategy("mm1");
    await mm1.kill();
    await before.waitForMessage("🔴 mm1 disconnected (no stopped notice)");
    const alertedAt = Date.now();
    await stop(before);
    await sleep(1000);

    const after = await bot({ env });
    expect(after.monitor.incidents()).toMatchObject([{ id: "mm1", kind: "disconnected", alerts: 1 }]);
    await sleep(1000);
    expect(alertsAbout(after, "mm1").map((m) => m.text)).toEqual([]);
    const repeat = await after.waitForMessage(/🔴 mm1 disconnected \(no stopped notice\) — ongoing for/);
    // On the first alert's schedule (4 s after it), not 4 s after the restart.
    expect(Date.now() - alertedAt).toBeLessThan(5000);
    expect(repeat.text).not.toContain("while the bot was down");
    expect(alertsAbout(after, "mm1")).toHaveLength(1);
  });

  it("a process that comes back after the restart resolves the incident of the last run", async () => {
    const before = await bot();
    const mm1 = await before.addStrategy("mm1");
    await mm1.kill();
    await before.waitForMessage("🔴 mm1 disconnected (no stopped notice)");
    await stop(before);

    const after = await bot();
    await after.addStrategy("mm1");
    await after.waitForMessage("🟢 mm1 resolved: connected again");
    expect(after.monitor.incidents()).toEqual([]);
  });

  it("an /exit left at 'accepted' is edited once to say what became of it; the exit is no alert", async () => {
    const before = await bot();
    await before.addStrategy("mm1", {}, { step: (ctx) => ctx.delay(Number.POSITIVE_INFINITY) });
    void before.send(OP, "/exit mm1");
    const progress = await before.waitForMessage("mm1: accepted");
    await stop(before);

    const after = await bot();
    const edit = await after.waitUntil(
      () =>
        after.telegram.callsTo("editMessageText").find((c) => c.payload.message_id === progress.messageId),
      { what: "the edit of the interrupted message" },
    );
    expect(edit.payload.chat_id).toBe(OP);
    expect(edit.payload.text).toMatch(
      /^exit → mm1\nThe bot restarted before this command finished\. Now:\nmm1 — stopped( \(\w+\))?, heartbeat .* ago, not connected, not muted$/,
    );
    await sleep(300);
    expect(after.telegram.callsTo("editMessageText")).toHaveLength(1);
    // mm1 went away while the bot was down, as the /exit asked: a quiet line, not an alert.
    expect(after.messages(OP).map((m) => m.text)).toEqual(["⚪ mm1 exited as requested"]);
  });

  it("/history keeps every command: who, what, the confirmation and each process's outcome", async () => {
    const before = await bot({ viewers: [2] });
    await before.addStrategy("mm1");
    await before.addStrategy("mm2");
    await before.send(OP, "/ping mm1");
    await before.waitForMessage(/^ping → mm1\nmm1: ok/);
    await before.send({ userId: 2, username: "vic" }, "/exit mm1");
    await before.send(999, "/status");
    void before.send({ userId: OP, username: "ann" }, "/exit *");
    await before.waitForMessage("Confirm /exit *?");
    await before.press(2, "Confirm", { chatId: OP }).catch(() => {});
    await before.press(OP, "Cancel");
    await before.waitForMessage("/exit *: cancelled, nothing was sent.");
    await before.idle();
    await stop(before);

    const after = await bot({ viewers: [2] });
    await after.send(2, "/history");
    const history = await after.waitForMessage(/^Last \d+ commands, oldest first:/, { chatId: 2 });
    expect(history.text, history.text).toMatch(/^Last 4 commands/);
    const entries = history.text.split("\n\n").slice(1);
    expect(entries[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \S+ \(1, operator\): \/ping mm1\n {2}ok: mm1 ok \d/,
    );
    expect(entries[1]).toMatch(/UTC @?vic \(2, viewer\): \/exit mm1\n {2}denied: needs operator$/);
    expect(entries[2]).toMatch(/UTC \S+ \(999\): \/status\n {2}denied: not authorized$/);
    expect(entries[3]).toMatch(
      /UTC @?ann \(1, operator\): \/exit \*\n {2}cancelled by 1; refused: 2 pressed Confirm \(not the requester\)\n {2}cancelled$/,
    );
    await after.send(2, "/history mm1 1");
    await after.waitForMessage(/^Last 1 command for mm1, oldest first:\n\n.*\/exit \*/, { chatId: 2 });
    await after.send(2, "/history 0");
    await after.waitForMessage("Usage: /history [target] [n]\nthe count is 1 to 100", { chatId: 2 });
  });

  it("/history without a state database says so", async () => {
    const h = await bot({ state: false });
    await h.send(OP, "/history");
    await h.waitForMessage("No history: this bot runs without a state database (MISSIONCTL_STATE).");
  });
});
