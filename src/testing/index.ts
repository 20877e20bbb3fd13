/**
 * `missionctl/testing`: scripted bot tests without Telegram or ZeroMQ: the real bot, real strategy
 * runtimes on an in-memory network, a fake Bot API. See docs/testing.md.
 *
 * @example
 * import { createHarness } from "missionctl/testing";
 * const h = await createHarness({ operators: [1] });
 * await h.addStrategy("mm1");
 * await h.send(1, "/ping mm1");
 * await h.waitForMessage(/mm1: ok/);
 * await h.close();
 */

export type { StrategyCommandHandler } from "../strategy/types.ts";
export { createHarness, type HarnessOptions } from "./create-harness.ts";
export { type FakeExecutor, startFakeExecutor } from "./fake-executor.ts";
export {
  type CallbackAnswer,
  type ChatMessage,
  FAKE_BOT_INFO,
  FakeTelegram,
  type InjectedFailure,
  type RecordedCall,
} from "./fake-telegram.ts";
export { BotHarness, HarnessError, type Sender } from "./harness.ts";
export {
  SimulatedCrashError,
  TestStrategy,
  type TestStrategyEvents,
  type TestStrategyOptions,
} from "./test-strategy.ts";
export { type WaitOptions, type WaitSource, WaitTimeoutError, waitFor } from "./wait.ts";
