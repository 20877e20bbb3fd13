import { SimExecutor, type SimExecutorOptions } from "../executor/sim-executor.ts";
import { IpcCommandSystem } from "../ipc/command-system.ts";
import type { BotHarness } from "./harness.ts";

/** A simulated trade executor on a harness's in-memory network, and how to stop it. */
export interface FakeExecutor {
  sim: SimExecutor;
  ipc: IpcCommandSystem;
  stop(): Promise<void>;
}

/**
 * Starts the simulated trade executor of docs/position-sync.md as process `id` on the harness's
 * network, hearing the bot and heard by it, for /sync tests.
 *
 * @example
 * const te1 = await startFakeExecutor(h, "te1", { logDir, tradingDay: () => "20261201" });
 * te1.sim.place({ source: "rb.trend#b", symbol: "rb2605", exchange: "SHFE", direction: "buy", offset: "open", qty: 1, price: 1 });
 */
export async function startFakeExecutor(
  h: BotHarness,
  id: string,
  options: SimExecutorOptions,
): Promise<FakeExecutor> {
  const sim = new SimExecutor(options);
  const ipc = new IpcCommandSystem({ id, transport: h.transport(id) });
  for (const [type, handler] of Object.entries(sim.handlers())) ipc.registerHandler(type, handler);
  await ipc.start();
  ipc.connectToProcess(h.ipc.id);
  h.hear(id);
  await h.waitUntil(() => h.ipc.isReachable(id), { what: `${id} to connect` });
  return { sim, ipc, stop: () => ipc.stop() };
}
