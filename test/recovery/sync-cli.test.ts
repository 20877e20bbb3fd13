import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, lines, runCli, startCli } from "../cli/run-cli.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { account, end, jsonl, makeFixture, pos, put, type SyncFixture, start, trade } from "./fixtures.ts";

const A = "aaaa-1";
const B = "bbbb-2";
let fx: SyncFixture;
let ipc: { dir: string; cleanup: () => void };
let executor: CliRun;
const env = () => ({ MISSIONCTL_IPC_DIR: ipc.dir, LOG_LEVEL: "warn" });

beforeAll(async () => {
  fx = makeFixture();
  ipc = tempIpcDir();
  put(
    join(fx.base, "sessions.jsonl"),
    jsonl([start(A, "20261130"), end(A, "20261130"), start(B, "20261201")]),
  );
  put(
    join(fx.base, "account_backup", `20261130_${A}.json`),
    account(A, "20261130", [pos("rb2605", "SHFE", "long", 1, 2, 3500)]),
  );
  put(
    join(fx.log, "20261201.jsonl"),
    jsonl([
      trade(`rb.trend#${B}`, { id: "x1", direction: "buy", offset: "open", qty: 3, price: 3520 }),
      trade(`rb.trend#${B}`, { id: "x2", direction: "sell", offset: "close", qty: 2, price: 3530 }),
    ]),
  );
  executor = startCli(["executor", "te1", "--log-dir", fx.log], env());
  await pollFor(
    () => existsSync(join(ipc.dir, "command", "te1.ipc")),
    15_000,
    "te1's socket",
    executor.stderr,
  );
});
afterAll(async () => {
  executor.child.kill("SIGTERM");
  await executor.done;
  ipc.cleanup();
  fx.cleanup();
});

const args = ["sync", "--base", "", "--executor-log", "", "--executor", "te1"];
const syncArgs = (...extra: string[]) => {
  const a = [...args, ...extra];
  a[2] = fx.base;
  a[4] = fx.log;
  return a;
};

describe("missionctl sync", () => {
  it("dry run: the saga on stderr, the diff table on stdout, nothing written, exit 0", async () => {
    const r = await runCli(syncArgs(), env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("✓ info: 0 pending order(s), 0 trade(s)");
    expect(r.stderr).toContain("✓ flush_log:");
    expect(r.stdout).toMatch(/rb2605\.SHFE\s+long\s+1 → 3\s+2 → 1\s+3500 → 3510\s+40\s+x1,x2/);
    expect(r.stdout).toContain("dry run: --apply would write");
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("--json prints steps, rows and the result as JSON lines", async () => {
    const r = await runCli(syncArgs("--json"), env());
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout).map((l) => JSON.parse(l));
    expect(out.map((o) => o.type)).toEqual(["step", "step", "step", "step", "row", "result"]);
    expect(out.at(-1)).toMatchObject({ outcome: "dry_run", session: B, applied: 2 });
  });

  it("--apply writes and says where; a second run writes the same bytes", async () => {
    const r = await runCli(syncArgs("--apply"), env());
    expect(r.code, r.stderr).toBe(0);
    const synced = join(fx.base, "account.synced.json");
    expect(r.stdout).toContain(`wrote ${synced}`);
    const bytes = readFileSync(synced);
    const again = await runCli(syncArgs("--apply"), env());
    expect(again.stdout).toContain(`wrote ${synced} (unchanged)`);
    expect(readFileSync(synced).equals(bytes)).toBe(true);
  });

  it("exit 1 when refused (executor unreachable), 0 with --assume-no-pending, 2 on bad usage", async () => {
    const gone = await runCli(
      syncArgs().map((a) => (a === "te1" ? "te9" : a)),
      env(),
    );
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("refused: executor te9 unreachable");
    const assumed = await runCli(
      ["sync", "--base", fx.base, "--executor-log", fx.log, "--assume-no-pending"],
      env(),
    );
    expect(assumed.code, assumed.stderr).toBe(0);
    const bad = await runCli(["sync", "--base", fx.base], env());
    expect(bad.code).toBe(2);
  });
});
