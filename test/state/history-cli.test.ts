/** `missionctl history`: the audit as JSON lines, read-only, beside a running bot (docs/state.md). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openState } from "../../src/state/index.ts";
import { lines, runCli } from "../cli/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "mctl-history-"));
const path = join(dir, "state.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const state = openState(path);
  const base = { chatId: 1, userId: 1, userName: "ann", role: "operator", processes: [] };
  state.audit.record({
    ...base,
    at: 1000,
    finishedAt: 1100,
    text: "/ping mm1",
    command: "ping",
    targets: ["mm1"],
    outcome: "ok",
    processes: [{ id: "mm1", outcome: "ok", at: 1050, elapsedMs: 4 }],
  });
  state.audit.record({
    ...base,
    at: 2000,
    finishedAt: 2100,
    text: "/status",
    command: "status",
    targets: [],
    outcome: "ok",
  });
  state.audit.record({
    ...base,
    at: 3000,
    finishedAt: 3900,
    text: "/exit *",
    command: "exit",
    targets: ["*"],
    outcome: "ok",
    confirmation: { answer: "confirmed", by: 1, at: 3500 },
    processes: [{ id: "mm2", outcome: "ok", at: 3800, elapsedMs: 300 }],
  });
  state.close();
});

describe("missionctl history", () => {
  it("prints the last records as JSON lines, oldest first, filtered by target", async () => {
    const all = await runCli(["history"], { MISSIONCTL_STATE: path });
    expect(all.code, all.stderr).toBe(0);
    expect(lines(all.stdout).map((l) => JSON.parse(l).text)).toEqual(["/ping mm1", "/status", "/exit *"]);
    const mm1 = await runCli(["history", "mm1", "-n", "5"], { MISSIONCTL_STATE: path });
    const records = lines(mm1.stdout).map((l) => JSON.parse(l));
    // /ping mm1 names it; /exit * reached every process, mm1 included.
    expect(records.map((r) => r.text)).toEqual(["/ping mm1", "/exit *"]);
    expect(records[1]).toMatchObject({
      userId: 1,
      userName: "ann",
      role: "operator",
      confirmation: { answer: "confirmed", by: 1 },
      processes: [{ id: "mm2", outcome: "ok", elapsedMs: 300 }],
    });
    const last = await runCli(["history", "--limit", "1"], { MISSIONCTL_STATE: path });
    expect(lines(last.stdout).map((l) => JSON.parse(l).text)).toEqual(["/exit *"]);
  });

  it("a missing database: one line, exit 1; bad usage: exit 2", async () => {
    const missing = join(dir, "none.db");
    const r = await runCli(["history"], { MISSIONCTL_STATE: missing });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`missionctl history: no state database at ${missing}`);
    const bad = await runCli(["history", "-n", "x"], { MISSIONCTL_STATE: path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missionctl history: -n must be a whole number from 1 to 10000 (got "x")');
  });
});
