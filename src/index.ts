/**
 * missionctl as a library: the IPC command system (seed 003's wire format), the strategy runtime,
 * the liveness monitor and the bot runtime. The test harness is `missionctl/testing`.
 *
 * @example
 * import { IpcCommandSystem, ZmqTransport } from "missionctl";
 * const ipc = new IpcCommandSystem({ id: "ops", transport: new ZmqTransport({ id: "ops", ipcDir: "/tmp/missionctl" }) });
 * await ipc.start();
 * ipc.connectToProcess("mm1");
 * const r = await ipc.request("mm1", "status");
 */
export { type BotRuntime, type BotRuntimeOptions, createBotRuntime } from "./bot/runtime.ts";
export { type Clock, FakeClock, systemClock } from "./clock.ts";
export { type Config, ConfigError, loadConfig } from "./config.ts";
export { LifecycleBus, type LifecycleEvents } from "./events.ts";
export { watchCommandDir } from "./ipc/discovery.ts";
export * from "./ipc/index.ts";
export { createLogger, createProcessLogger, type Logger, silentLogger } from "./log.ts";
export * from "./monitor/index.ts";
export * from "./strategy/index.ts";
