/**
 * `missionctl/testing`: scripted bot tests without Telegram or ZeroMQ. See docs/testing.md.
 *
 * @example
 * import { createHarness } from "missionctl/testing";
 * const h = await createHarness({ operators: [1] });
 * await h.addStrategy("mm1");
 * await h.send(1, "/ping mm1");
 * await h.waitForMessage(/mm1: ok/);
 * await h.close();
 */

export {
  type FakeHandler,
  type FakeHandlerContext,
  FakeStrategy,
  type FakeStrategyOptions,
} from "./fake-strategy.ts";
export {
  type CallbackAnswer,
  type ChatMessage,
  FAKE_BOT_INFO,
  FakeTelegram,
  type InjectedFailure,
  type RecordedCall,
} from "./fake-telegram.ts";
export { BotHarness, createHarness, type HarnessOptions, type Sender } from "./harness.ts";
export { WaitTimeoutError, waitFor } from "./wait.ts";
