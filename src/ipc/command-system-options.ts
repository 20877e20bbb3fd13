/** The events and options of {@link IpcCommandSystem} (./command-system.ts). */
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { IpcCommand } from "./codec.ts";
import type { RequestOptions } from "./request.ts";
import type { Transport } from "./transport.ts";

export interface CommandSystemEvents {
  /**
   * Every valid incoming command that is not a reply: commands and events (heartbeat, stopped, crash).
   * `peer` is the process whose socket it came from (always the command's sender_id when known).
   */
  message: [command: IpcCommand, peer: string | undefined];
  /** A process joined or left this process's publisher (XPUB presence). */
  connected: [id: string];
  disconnected: [id: string];
  /** The link towards a heard process came up or went down (SUB socket events). */
  link: [id: string, up: boolean];
  /** Proxy mode: the link to the proxy (one for every peer) came up or went down. */
  proxyLink: [up: boolean];
}

export interface CommandSystemOptions {
  /** This process's id; defaults to the transport's, and must equal it when given. */
  id?: string;
  transport: Transport;
  logger?: Logger;
  clock?: Clock;
  maxFrameBytes?: number;
  /** How long executed command ids are remembered (default 10 min). */
  seenTtlMs?: number;
  /** Defaults for every {@link IpcCommandSystem.request}. */
  requestDefaults?: RequestOptions;
}
