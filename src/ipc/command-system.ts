import { EventEmitter } from "node:events";
import { type Clock, systemClock } from "../clock.ts";
import { type Logger, silentLogger } from "../log.ts";
import { assertPlainAddress } from "./address.ts";
import { DEFAULT_MAX_FRAME_BYTES, type IpcCommand, readReply } from "./codec.ts";
import type { CommandSystemEvents, CommandSystemOptions } from "./command-system-options.ts";
import { DropCounter } from "./drop-counter.ts";
import { IpcError } from "./errors.ts";
import { acceptFrame, Outbox } from "./frames.ts";
import { type CommandHandler, type HandlerOptions, isEvent, runHandler } from "./handlers.ts";
import { assertCommandType, assertProcessId, isGroupTarget, targetMatches } from "./ids.ts";
import { Presence } from "./presence.ts";
import { PendingRequest, type RequestHost, type RequestOptions, type RequestResult } from "./request.ts";
import { SeenCache } from "./seen-cache.ts";
import { type PeerSpec, parsePeerSpec, type Transport } from "./transport.ts";

export type { CommandSystemEvents, CommandSystemOptions } from "./command-system-options.ts";
export type { CommandHandler, HandlerContext, HandlerOptions, HandlerResult } from "./handlers.ts";

/** A registered handler and how it is run. */
interface Registered {
  handler: CommandHandler;
  options: HandlerOptions;
}

/** The handler of a unicast command type nobody registered: its error reply names the type. */
const unknownType = (command: IpcCommand): never => {
  throw new Error(`unknown command type "${command.command_type}"`);
};

/**
 * The IPC command system (docs/protocol.md): publish commands at our own address, hear the processes we
 * connect to, run registered handlers, and correlate replies by command_id.
 *
 * @example
 * const ipc = new IpcCommandSystem({ id: "chatops", transport: new ZmqTransport({ id: "chatops", ipcDir }) });
 * await ipc.start();
 * ipc.connectToProcess("mm1");
 * const result = await ipc.request("mm1", "ping", {});
 * console.log(result.terminal.get("mm1")?.result); // { state: "sleeping" }
 */
export class IpcCommandSystem extends EventEmitter<CommandSystemEvents> {
  readonly id: string;
  readonly transport: Transport;
  readonly presence: Presence;
  readonly drops: DropCounter;
  readonly seen: SeenCache;
  readonly #handlers = new Map<string, Registered>();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #links = new Set<string>();
  #proxyLinkUp = false;
  readonly #heard = new Map<string, PeerSpec>();
  readonly #outbox: Outbox;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #defaults: RequestOptions;
  /** What every pending request needs from us: one object, not four closures per request. */
  readonly #requestHost: RequestHost;
  #state: "new" | "started" | "stopped" = "new";

  constructor(options: CommandSystemOptions) {
    super();
    // One process, one id: a system speaking as `a` over a transport bound as `b` would sign frames
    // that every receiver drops as forged (sender_mismatch).
    if (options.id !== undefined && options.id !== options.transport.id) {
      throw new IpcError(
        "INVALID_ID",
        `the command system's id "${options.id}" differs from its transport's "${options.transport.id}"`,
        { id: options.id, transportId: options.transport.id },
      );
    }
    this.id = assertProcessId(options.transport.id);
    this.transport = options.transport;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ module: "ipc", self: this.id });
    this.#defaults = options.requestDefaults ?? {};
    this.#outbox = new Outbox(this.id, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.drops = new DropCounter(this.#log, this.#clock);
    this.#requestHost = {
      clock: this.#clock,
      publish: (f) => this.#publish(f),
      reachable: (id) => this.isReachable(id),
      present: (target) => this.presence.matching(target),
    };
    this.seen = new SeenCache({ ttlMs: options.seenTtlMs, clock: this.#clock });
    this.presence = new Presence((id, up) => {
      this.#log.debug({ peer: id }, up ? "process connected" : "process disconnected");
      for (const p of this.#pending.values()) p.onPeer(id, up);
      this.emit(up ? "connected" : "disconnected", id);
    });
    this.transport.setHandlers({
      frame: (frame, peer) => this.#onFrame(frame, peer),
      subscription: (topic, subscribed) => this.presence.update(topic, subscribed),
      peerLink: (peer, up) => {
        if (up) this.#links.add(peer);
        else this.#links.delete(peer);
        for (const p of this.#pending.values()) p.onPeer(peer, up);
        this.emit("link", peer, up);
      },
      proxyLink: (up) => {
        this.#proxyLinkUp = up;
        // The one link stands for every peer's: requests waiting on a present target may go now.
        const present = this.presence.ids();
        for (const p of this.#pending.values()) for (const id of present) p.onPeer(id, up);
        this.emit("proxyLink", up);
      },
    });
  }

  /** True in proxy mode while the link to the proxy is up; undefined outside proxy mode. */
  get proxyLinkUp(): boolean | undefined {
    return this.transport.proxy === undefined ? undefined : this.#proxyLinkUp;
  }

  /** Binds the publisher. Handlers and connections may be added before or after. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new IpcError("CLOSED", `command system ${this.id} was already started`);
    await this.transport.start();
    this.#state = "started";
    this.#log.debug({ address: this.transport.address }, "publisher bound");
  }

  /** Closes sockets after `lingerMs` for frames still queued; pending requests reject with CLOSED. */
  async stop(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    for (const p of [...this.#pending.values()])
      p.abortWith(new IpcError("CLOSED", "command system stopped"));
    await this.transport.close(options);
  }

  get started(): boolean {
    return this.#state === "started";
  }

  /** Hears a process: `mm1` (ipc) or `mm1=tcp://host:port`. Idempotent. */
  connectToProcess(spec: string | PeerSpec): void {
    const peer = typeof spec === "string" ? parsePeerSpec(spec) : spec;
    assertProcessId(peer.id);
    if (peer.address !== undefined) assertPlainAddress(peer.address);
    if (peer.id === this.id || this.#heard.has(peer.id)) return;
    this.#heard.set(peer.id, peer);
    this.transport.connect(peer);
  }

  /** Ids of processes this process hears. */
  heardProcesses(): string[] {
    return [...this.#heard.keys()].sort();
  }

  /** True when `id` hears us (presence) and we hear it (its link, or in proxy mode the proxy's, up). */
  isReachable(id: string): boolean {
    if (!this.presence.has(id)) return false;
    return this.transport.proxy === undefined ? this.#links.has(id) : this.#proxyLinkUp;
  }

  /**
   * Resolves once every id is reachable (the slow joiner has joined), or after `ms`, with the ids
   * still unreachable. Event-driven: no polling.
   */
  waitUntilReachable(ids: string[], ms: number): Promise<string[]> {
    const missing = () => ids.filter((id) => !this.isReachable(id));
    return new Promise((resolve) => {
      const check = () => {
        if (missing().length === 0) done();
      };
      const timer = this.#clock.setTimeout(() => done(), ms);
      const done = () => {
        this.#clock.clearTimeout(timer);
        this.off("connected", check);
        this.off("link", check);
        this.off("proxyLink", check);
        resolve(missing());
      };
      this.on("connected", check);
      this.on("link", check);
      this.on("proxyLink", check);
      check();
    });
  }

  /**
   * Runs `handler` for every command of `commandType` addressed to us (once per command_id) and
   * answers it. `{ context: false }` for a handler that never reads its second argument: see
   * {@link HandlerOptions}.
   */
  registerHandler(commandType: string, handler: CommandHandler, options: HandlerOptions = {}): void {
    assertCommandType(commandType);
    if (commandType === "reply") throw new IpcError("INVALID_ID", "replies are correlated, not handled");
    this.#handlers.set(commandType, { handler, options });
  }

  /** Publishes one command and returns it; no reply is awaited. */
  async sendCommand(
    targetId: string,
    commandType: string,
    payload: Record<string, unknown> = {},
  ): Promise<IpcCommand> {
    const command = this.#outbox.build(targetId, commandType, payload);
    await this.#publish(this.#outbox.encodeText(command));
    return command;
  }

  /** Publishes to every process (`*`). */
  broadcast(commandType: string, payload: Record<string, unknown> = {}): Promise<IpcCommand> {
    return this.sendCommand("*", commandType, payload);
  }

  /**
   * Sends a command and collects the replies that carry its command_id: interim `accepted`, one
   * terminal reply per process, re-sending the same frame until then (receivers deduplicate).
   */
  request(
    targetId: string,
    commandType: string,
    payload: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<RequestResult> {
    if (this.#state !== "started")
      return Promise.reject(new IpcError("NOT_STARTED", "command system not started"));
    let command: IpcCommand;
    let frame: string;
    try {
      command = this.#outbox.build(targetId, commandType, payload);
      frame = this.#outbox.encodeText(command);
    } catch (err) {
      // Like sendCommand: a bad id or a topic over 64 bytes rejects the promise, never throws synchronously.
      return Promise.reject(err);
    }
    const pending = new PendingRequest(
      command,
      frame,
      this.#requestHost,
      { ...this.#defaults, ...options },
      () => this.#pending.delete(command.command_id),
    );
    this.#pending.set(command.command_id, pending);
    pending.start();
    return pending.promise;
  }

  /** Requests in flight; 0 once every request has settled (a leak check). */
  get pendingRequests(): number {
    return this.#pending.size;
  }

  /** Publishes a frame, as text where the transport takes text (see {@link Transport.publishText}). */
  #publish(frame: Buffer | string): Promise<void> {
    if (this.#state !== "started")
      return Promise.reject(new IpcError("NOT_STARTED", "command system not started"));
    if (typeof frame !== "string") return this.transport.publish(frame);
    return this.transport.publishText
      ? this.transport.publishText(frame)
      : this.transport.publish(Buffer.from(frame, "utf8"));
  }

  /**
   * One frame, isolated: whatever a listener, a reply callback or a handler throws drops this frame
   * only, never the transport's receive loop (which would leave us deaf to that peer for good).
   */
  #onFrame(frame: Buffer, peer: string | undefined): void {
    try {
      this.#handleFrame(frame, peer);
    } catch (err) {
      this.drops.failed(err, peer);
    }
  }

  #handleFrame(frame: Buffer, peer: string | undefined): void {
    const command = acceptFrame(frame, peer, this.#outbox.maxFrameBytes, this.drops);
    if (!command) return;
    if (!targetMatches(command.target_id, this.id)) return;
    // Through a proxy our SUB hears our own `*.` and `{prefix}*.` frames; over ipc a process never
    // hears itself, and must not run its own multicast.
    if (peer === undefined && command.sender_id === this.id && this.transport.proxy !== undefined) return;
    if (command.command_type === "reply") {
      const reply = readReply(command);
      if (reply) this.#pending.get(reply.reply_to)?.onReply(command.sender_id, reply, command);
      return;
    }
    // A re-sent command we already executed is answered from the cache, not seen again as new.
    const seen = this.seen.get(command.command_id);
    if (seen) {
      const lastReply = seen.lastReply;
      if (lastReply) void this.#publish(lastReply).catch(() => {});
      return;
    }
    this.emit("message", command, peer);
    const registered = this.#handlers.get(command.command_type);
    if (!registered) {
      if (!isGroupTarget(command.target_id) && !isEvent(command.command_type)) {
        this.#execute(command, { handler: unknownType, options: { context: false } });
      }
      return;
    }
    this.#execute(command, registered);
  }

  /**
   * Runs a command not seen before (the caller checked the seen cache in the same tick). Not async:
   * a handler that answers at once is answered in this tick (./handlers.ts).
   */
  #execute(command: IpcCommand, { handler, options }: Registered): void {
    const entry = this.seen.add(command.command_id);
    // The per-command logger is made when a handler (or a failure) first logs: a pino child costs
    // more than the rest of a ping's handling, and most commands never log.
    let commandLog: Logger | undefined;
    void runHandler(
      command,
      handler,
      {
        log: () =>
          (commandLog ??= this.#log.child({ cmd: command.command_type, commandId: command.command_id })),
        reply: (status, result, error) => {
          // Field by field rather than spread: the same keys in the same order, one object fewer.
          const payload: Record<string, unknown> = { reply_to: command.command_id, status };
          if (result !== undefined) payload.result = result;
          if (error !== undefined) payload.error = error;
          const frame = this.#outbox.encodeText(this.#outbox.build(command.sender_id, "reply", payload));
          entry.lastReply = frame;
          return this.#publish(frame);
        },
      },
      options,
    );
  }
}
