import type { Clock } from "../clock.ts";
import { DEFAULTS, processConfig } from "../config.ts";
import {
  createTransport,
  IpcCommandSystem,
  isProcessId,
  parsePeerSpec,
  plainAddressProblem,
} from "../ipc/index.ts";
import type { Logger } from "../log.ts";
import { StrategyError } from "./errors.ts";
import type { RuntimeOptions, StrategyDefinition } from "./types.ts";

/**
 * Whom a strategy hears by default (docs/protocol.md, sockets and addresses): the bot, whose id is
 * `botId`, and the command-line sender.
 *
 * @example
 * defaultHear("bot2"); // ["bot2", "cli"]
 */
export const defaultHear = (botId: string): string[] => [...new Set([botId, DEFAULTS.CLI_ID])];

/** {@link defaultHear} while MISSIONCTL_ID is unset: `["chatops", "cli"]`. */
export const DEFAULT_HEAR: readonly string[] = Object.freeze(defaultHear(DEFAULTS.MISSIONCTL_ID));

/**
 * The hear list of a strategy given none: the bot named by MISSIONCTL_ID (the configuration, read
 * once) and `cli`, as `missionctl strategy` has it. Throws ConfigError on a bad configuration.
 *
 * @example
 * hearOrDefault(undefined); // ["chatops", "cli"] unless MISSIONCTL_ID is set
 */
export const hearOrDefault = (hear: string[] | undefined): string[] =>
  hear ?? defaultHear(processConfig().MISSIONCTL_ID);

/**
 * The strategy's command system: `options.ipc` as given, else one over `options.transport`, else
 * the configuration's transport (src/ipc/create-transport.ts): through the proxy when
 * MISSIONCTL_PROXY is set, else ZeroMQ ipc under `options.ipcDir`.
 *
 * @example
 * const ipc = createStrategyIpc("mm1", { transport: new MemoryTransport(hub, "mm1") }, clock, logger);
 */
export function createStrategyIpc(
  id: string,
  options: RuntimeOptions,
  clock: Clock,
  logger: Logger,
): IpcCommandSystem {
  const ipc =
    options.ipc ??
    new IpcCommandSystem({
      id,
      logger,
      clock,
      transport: options.transport ?? defaultTransport(id, options.ipcDir, clock, logger),
    });
  if (ipc.id !== id)
    throw new StrategyError("INVALID_OPTIONS", `ipc id "${ipc.id}" is not the strategy id "${id}"`);
  return ipc;
}

/**
 * Like the hear list, from the configuration: a strategy and a bot given the same one find each
 * other, over ipc or through the proxy. An explicit `ipcDir` only moves the ipc directory.
 */
function defaultTransport(id: string, ipcDir: string | undefined, clock: Clock, logger: Logger) {
  const config = processConfig();
  return createTransport({ ...config, MISSIONCTL_IPC_DIR: ipcDir ?? config.MISSIONCTL_IPC_DIR }, id, logger, {
    clock,
  });
}

/**
 * Checks a definition and its options before anything is bound; throws `INVALID_OPTIONS`.
 *
 * @example
 * validateStrategy({ id: "mm1", intervalMs: 1000, step: () => {} }, {}); // ok
 */
export function validateStrategy(def: StrategyDefinition, options: RuntimeOptions): void {
  const bad = (message: string): never => {
    throw new StrategyError("INVALID_OPTIONS", message);
  };
  if (typeof def.id !== "string" || !isProcessId(def.id))
    bad(`invalid strategy id ${JSON.stringify(def.id)}`);
  if (typeof def.step !== "function") bad("step must be a function");
  const nonNegative = (name: string, v: number | undefined, positive = false) => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || v < 0 || (positive && v === 0))
      bad(`${name} must be a ${positive ? "positive" : "non-negative"} number of ms`);
  };
  nonNegative("intervalMs", def.intervalMs);
  if (def.intervalMs === undefined) bad("intervalMs is required");
  nonNegative("heartbeatMs", options.heartbeatMs, true);
  nonNegative("abortGraceMs", options.abortGraceMs);
  nonNegative("lingerMs", options.lingerMs);
  nonNegative("forceExitDelayMs", options.forceExitDelayMs);
  for (const spec of options.hear ?? []) {
    const peer = parsePeerSpec(spec);
    if (!isProcessId(peer.id)) bad(`invalid process id to hear: ${JSON.stringify(spec)}`);
    const problem = peer.address === undefined ? undefined : plainAddressProblem(peer.address);
    if (problem) bad(problem);
  }
}

/** The message of anything thrown. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
/** `{ stack }` when the thrown value has one, for `crash` payloads. */
export const stackOf = (err: unknown): { stack?: string } =>
  err instanceof Error && err.stack ? { stack: err.stack } : {};
