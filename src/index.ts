/**
 * missionctl as a library, by what you build with it: a strategy (runStrategy), a process that
 * talks on the IPC (IpcCommandSystem over a transport), or a bot with chat commands of your own
 * (createBotRuntime + defineCommand). The test kit is `missionctl/testing`; the wire contract is
 * docs/protocol.md.
 *
 * @example
 * import { IpcCommandSystem, ZmqTransport } from "missionctl";
 * const ipc = new IpcCommandSystem({ transport: new ZmqTransport({ id: "ops", ipcDir: "/tmp/missionctl" }) });
 * await ipc.start();
 * ipc.connectToProcess("mm1");
 * const r = await ipc.request("mm1", "status");
 */

export { commandTypeArg, flagsArg, noArgs, reachesMany, targetArg, wordsArg } from "./bot/args.ts";
export { RegistryError } from "./bot/registry.ts";
// A bot with chat commands.
export { type BotRuntime, type BotRuntimeOptions, createBotRuntime } from "./bot/runtime.ts";
export {
  type CommandContext,
  type CommandDefinition,
  defineCommand,
  type Role,
  type TrackSpec,
  type TrackSummary,
} from "./bot/types.ts";
export { type Clock, FakeClock, systemClock } from "./clock.ts";
export { type Config, ConfigError, loadConfig } from "./config.ts";
export { MissionctlError } from "./errors.ts";
// Around all of them.
export { LifecycleBus, type LifecycleEvents } from "./events.ts";
export type { Lang, Localized } from "./i18n/index.ts";
export { decodeFrame, encodeFrame, type IpcCommand } from "./ipc/codec.ts";
// The IPC command system and its transports.
export { type CommandHandler, IpcCommandSystem } from "./ipc/command-system.ts";
export { createTransport, type TransportConfig } from "./ipc/create-transport.ts";
export { watchCommandDir } from "./ipc/discovery.ts";
export { IpcError } from "./ipc/errors.ts";
export { MemoryHub, MemoryTransport } from "./ipc/memory-transport.ts";
export type { CurveClientKeys, LinkTimings } from "./ipc/proxy-socket.ts";
export { ProxyTransport, type ProxyTransportOptions } from "./ipc/proxy-transport.ts";
export type { ReplyEvent, RequestOptions, RequestResult } from "./ipc/request.ts";
export type { Transport, TransportHandlers } from "./ipc/transport.ts";
export { ZmqTransport } from "./ipc/zmq-transport.ts";
export { createLogger, type Logger } from "./log.ts";
// Prometheus /metrics and /healthz for a bot (docs/operations.md#metrics).
export {
  attachBotMetrics,
  BotHealth,
  MetricsError,
  type MetricsServer,
  startMetricsServer,
  watchPollingHealth,
} from "./metrics/index.ts";
export type { Incident, Mute, ProcessView } from "./monitor/types.ts";
// The bot's durable state (docs/state.md).
export { openState, StateError, type StateStore } from "./state/index.ts";
export { StepAbortedError, StrategyError } from "./strategy/errors.ts";
// Strategies.
export { runStrategy, type StrategyHandle } from "./strategy/run.ts";
export type { RuntimeOptions, StepContext, StrategyDefinition, StrategyStatus } from "./strategy/types.ts";
