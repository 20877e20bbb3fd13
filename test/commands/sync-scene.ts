/**
 * The scene of the /sync chat tests: strategy process `mm2` (rb.trend) crashed mid-session with one
 * trade filled and one order still resting at executor `te1`, and a bot that finds both through
 * MISSIONCTL_SYNC_MAP.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BotHarness,
  createHarness,
  type FakeExecutor,
  type HarnessOptions,
  startFakeExecutor,
} from "../../src/testing/index.ts";
import { makeFixture, type SyncFixture, writeCrashAfterCleanEnd } from "../recovery/fixtures.ts";

/** The session that ended cleanly: the sync starts from its account backup. */
export const ENDED_SESSION = "aaaa-1";
/** The session that crashed: the sync replays its trades. */
export const CRASHED_SESSION = "bbbb-2";
/** The trading day of both sessions, and of the executor's log. */
export const TRADING_DAY = "20261201";

const fill = {
  source: `rb.trend#${CRASHED_SESSION}`,
  symbol: "rb2605",
  exchange: "SHFE",
  direction: "buy",
  offset: "open",
  qty: 2,
  price: 3500,
} as const;

/** A running scene: its folders, its sync map, the bot and the executor. */
export interface SyncScene {
  /** The strategy's base folder and the executor's log folder. */
  fx: SyncFixture;
  /** The MISSIONCTL_SYNC_MAP file: `mm2` is rb.trend, traded through `te1`. */
  map: string;
  h: BotHarness;
  te1: FakeExecutor;
  /** Stops the executor and the bot, then deletes the folders. */
  close(): Promise<void>;
}

/**
 * Writes the crash to disk, starts the bot with `harness` (plus the sync map) and executor `te1`.
 *
 * @example
 * const scene = await startSyncScene({ operators: [1001] });
 * await scene.h.send(1001, "/sync mm2");
 * await scene.close();
 */
export async function startSyncScene(harness: HarnessOptions): Promise<SyncScene> {
  const fx = makeFixture();
  writeCrashAfterCleanEnd(fx, { ended: ENDED_SESSION, crashed: CRASHED_SESSION, day: TRADING_DAY });
  const map = join(fx.root, "sync-map.json");
  writeFileSync(
    map,
    JSON.stringify({ mm2: { strategy: "rb.trend", base: fx.base, executor: "te1", executor_log: fx.log } }),
  );
  const h = await createHarness({ ...harness, env: { ...harness.env, MISSIONCTL_SYNC_MAP: map } });
  const te1 = await startFakeExecutor(h, "te1", { logDir: fx.log, tradingDay: () => TRADING_DAY });
  // A trade for the replay, and an order left resting for the saga to cancel.
  te1.sim.place(fill);
  te1.sim.place({ ...fill, rest: true });
  const close = async () => {
    await te1.stop();
    await h.close();
    fx.cleanup();
  };
  return { fx, map, h, te1, close };
}
