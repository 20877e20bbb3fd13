/**
 * /status for configured processes that never came (issue 10, part 6) and for more processes than
 * fit in a message (part 5).
 */
import { afterEach, describe, expect, it } from "vitest";
import { splitText } from "../../src/bot/format.ts";
import { renderProcessList } from "../../src/bot/status-view.ts";
import type { ProcessView } from "../../src/monitor/types.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;

describe("/status and configured processes", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("shows a configured process that never connected as such, not as unknown to the monitor", async () => {
    h = await createHarness({ operators: [OP], env: { MISSIONCTL_PROCESSES: "mm1,mm3" } });
    await h.addStrategy("mm1");
    await h.send(OP, "/status");
    const all = await h.waitForMessage(/^Processes \(2\):/);
    // A strategy runtime heartbeats as it starts, so mm1 is up.
    expect(all.text).toMatch(/\nmm1 — up \(\w+\), heartbeat .+ ago, connected, not muted\n/);
    expect(all.text).toMatch(
      /\nmm3 — never connected since the bot started, not muted\nLayout: one machine \(ipc in .+\)\.$/,
    );
    await h.send(OP, "/status mm3");
    const one = await h.waitForMessage(
      /^mm3 — never connected since the bot started, not muted\n\nstatus → mm3\n/,
    );
    expect(one.text).not.toContain("not known to the monitor");
  });
});

const view = (id: string, state: ProcessView["state"], extra: Partial<ProcessView> = {}): ProcessView => ({
  id,
  state,
  connected: state !== "down",
  strategyState: "sleeping",
  lastHeartbeatAt: 0,
  ...extra,
});

describe("renderProcessList", () => {
  it("keeps one line per process while they fit in one message", () => {
    const listing = renderProcessList([view("mm1", "up"), view("mm2", "silent")], 2000);
    expect(listing).toEqual({
      summarized: false,
      text:
        "Processes (2):\nmm1 — up (sleeping), heartbeat 2.0 s ago, connected, not muted\n" +
        "mm2 — silent (sleeping), heartbeat 2.0 s ago, connected, not muted",
    });
  });

  it("summarizes thousands of processes in two messages: counts, unhealthy first, a narrower target", () => {
    const fleet = Array.from({ length: 3000 }, (_, i) => {
      const id = `p${String(i).padStart(4, "0")}`;
      if (i % 500 === 7) return view(id, "down");
      if (i % 100 === 3) return view(id, "silent");
      return view(id, "up");
    });
    fleet.push(view("zz", "unknown", { neverConnected: true, connected: false }));
    const { text, summarized } = renderProcessList(fleet, 2000);
    expect(summarized).toBe(true);
    expect(splitText(text).length).toBeLessThanOrEqual(2);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Processes (3,001): 6 down, 30 silent, 1 never connected, 2,964 up");
    expect(lines[1]).toBe("(unhealthy first; too many for a line each)");
    expect(lines.slice(2, 8).every((l) => / — down /.test(l))).toBe(true);
    expect(lines.slice(8, 38).every((l) => / — silent /.test(l))).toBe(true);
    expect(lines[38]).toBe("zz — never connected since the bot started, not muted");
    expect(lines[39]).toMatch(/^p0000 — up /);
    // Every hidden one starts with "p" and zz does not: p* is narrower than the whole listing.
    expect(lines.at(-1)).toMatch(/^… and 2,\d{3} more \(2,\d{3} up\): narrow the target, e.g. \/status p\*$/);
  });

  it("applies the same rules to a target's matches and proposes a narrower one", () => {
    const fleet = Array.from({ length: 1000 }, (_, i) => view(`mm${String(i).padStart(3, "0")}`, "up"));
    const { text } = renderProcessList(fleet, 2000, "mm*");
    expect(text.split("\n")[0]).toBe("mm*: 1,000 processes — 1,000 up");
    expect(text).toMatch(/\n… and \d{3} more \(\d{3} up\): narrow the target, e.g. \/status mm[01]\*$/);
    expect(splitText(text).length).toBeLessThanOrEqual(2);
  });

  it("cuts a long strategy state so that one process cannot blow up a listing", () => {
    const { text } = renderProcessList([view("mm1", "up", { strategyState: "x".repeat(5000) })], 0);
    expect(text.length).toBeLessThan(200);
  });
});
