import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimExecutor } from "../../src/executor/sim-executor.ts";
import { IpcCommandSystem, MemoryHub, MemoryTransport } from "../../src/ipc/index.ts";
import { acquireSyncLock } from "../../src/recovery/lock.ts";
import { runSyncSaga, type SagaOptions } from "../../src/recovery/saga.ts";
import { flush } from "../helpers.ts";
import { makeFixture, type SyncFixture, writeCrashAfterCleanEnd } from "./fixtures.ts";

const A = "aaaa-1";
const B = "bbbb-2";
const source = `rb.trend#${B}`;
let fx: SyncFixture;
let systems: IpcCommandSystem[];
let hub: MemoryHub;

async function sys(id: string): Promise<IpcCommandSystem> {
  const s = new IpcCommandSystem({ id, transport: new MemoryTransport(hub, id) });
  await s.start();
  systems.push(s);
  return s;
}

/** The `cli` side and an executor `te1` that hear each other. */
async function withExecutor(options: { stubbornCancel?: boolean; silent?: boolean } = {}) {
  const cli = await sys("cli");
  const te1 = await sys("te1");
  const sim = new SimExecutor({ logDir: fx.log, tradingDay: () => "20261201", ...options });
  for (const [type, h] of Object.entries(sim.handlers())) {
    te1.registerHandler(type, options.silent ? () => new Promise(() => {}) : h);
  }
  cli.connectToProcess("te1");
  te1.connectToProcess("cli");
  await flush();
  return { cli, te1, sim };
}

const fast = (extra: Partial<SagaOptions> = {}): SagaOptions => ({
  inputs: { base: fx.base, executorLog: fx.log },
  executor: "te1",
  timeoutMs: 300,
  joinMs: 100,
  pollBackoff: { baseMs: 1, maxMs: 5 },
  ...extra,
});

beforeEach(() => {
  fx = makeFixture();
  hub = new MemoryHub();
  systems = [];
  writeCrashAfterCleanEnd(fx, { ended: A, crashed: B, day: "20261201" });
});
afterEach(async () => {
  for (const s of systems) await s.stop();
  fx.cleanup();
});

const order = {
  source,
  symbol: "rb2605",
  exchange: "SHFE",
  direction: "buy",
  offset: "open",
  qty: 2,
  price: 3500,
} as const;

describe("sync saga over the IPC command system", () => {
  it("cancels pending orders, waits until none are left, flushes the log and replays", async () => {
    const { cli, sim } = await withExecutor();
    sim.place(order);
    sim.place({ ...order, rest: true });
    const r = await runSyncSaga(cli, fast());
    expect(r.outcome).toBe("ready");
    expect(r.steps.map((s) => s.step)).toEqual([
      "sessions",
      "info",
      "cancel",
      "has_pending_order",
      "flush_log",
      "replay",
    ]);
    expect(r.steps[1]?.text).toBe("1 pending order(s), 1 trade(s)");
    if (r.outcome === "ready") expect(r.plan.rows[0]?.after.today).toBe(2);
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("polls has_pending_order with backoff until the cancels land", async () => {
    const cli = await sys("cli");
    const te1 = await sys("te1");
    let polls = 0;
    te1.registerHandler("info", () => ({ source, pending_orders: 2, trades: 0 }));
    te1.registerHandler("cancel", () => ({ source, canceled_orders: 2 }));
    te1.registerHandler("has_pending_order", () => ({ source, pending: ++polls < 3 }));
    te1.registerHandler("flush_log", () => ({ source, log_file: join(fx.log, "none.jsonl"), bytes: 0 }));
    cli.connectToProcess("te1");
    te1.connectToProcess("cli");
    await flush();
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
    };
    const r = await runSyncSaga(cli, fast({ sleep, pollBackoff: { baseMs: 100, maxMs: 250 } }));
    expect(r.outcome).toBe("ready");
    expect(polls).toBe(3);
    expect(delays).toEqual([100, 200, 250]);
  });

  it("stops when a cancel does not clear the pending orders", async () => {
    const { cli, sim } = await withExecutor({ stubbornCancel: true });
    sim.place({ ...order, rest: true });
    const r = await runSyncSaga(cli, fast({ pendingPolls: 3, apply: true }));
    expect(r.outcome).toBe("refused");
    if (r.outcome === "refused") expect(r.reason).toBe("orders still pending after cancel (3 checks)");
    expect(existsSync(join(fx.base, "account.synced.json"))).toBe(false);
  });

  it("stops when the executor never answers", async () => {
    const { cli } = await withExecutor({ silent: true });
    const r = await runSyncSaga(cli, fast());
    expect(r.outcome).toBe("refused");
    if (r.outcome === "refused") expect(r.reason).toMatch(/^info: no reply from te1 \(timeout\)/);
  });

  it("refuses an unreachable executor unless told to assume no pending orders", async () => {
    const cli = await sys("cli");
    const r = await runSyncSaga(cli, fast());
    expect(r.outcome).toBe("refused");
    if (r.outcome === "refused") expect(r.reason).toMatch(/executor te1 unreachable/);
    const ok = await runSyncSaga(cli, fast({ assumeNoPending: true, apply: true }));
    expect(ok.outcome).toBe("ready");
    if (ok.outcome === "ready")
      expect(ok.written?.map((w) => w.path)).toContain(join(fx.base, "account.synced.json"));
  });

  it("refuses while the strategy's process is present, and while another sync holds the lock", async () => {
    const { cli } = await withExecutor();
    const mm2 = await sys("mm2");
    mm2.connectToProcess("cli");
    cli.connectToProcess("mm2");
    await flush();
    const r = await runSyncSaga(cli, fast({ strategyProcess: "mm2" }));
    expect(r.outcome === "refused" && r.reason).toBe("mm2 is running again: a sync now would fight it");
    const release = acquireSyncLock(fx.base);
    try {
      const locked = await runSyncSaga(cli, fast());
      expect(locked.outcome === "refused" && locked.reason).toMatch(
        /another sync of this strategy is running/,
      );
    } finally {
      release();
    }
  });

  it("applies under the lock and says what it wrote", async () => {
    const { cli, sim } = await withExecutor();
    sim.place(order);
    const r = await runSyncSaga(cli, fast({ apply: true }));
    expect(r.outcome).toBe("ready");
    expect(r.steps.at(-1)?.step).toBe("write");
    expect(existsSync(join(fx.base, "account_backup", `20261201_${B}.json`))).toBe(true);
    expect(existsSync(join(fx.base, ".sync.lock"))).toBe(false);
  });
});
