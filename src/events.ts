import { EventEmitter } from "node:events";
import type { Outcome } from "./bot/types.ts";
import type { ReplyStatus } from "./ipc/codec.ts";
import type { Logger } from "./log.ts";
import type { IncidentKind } from "./monitor/types.ts";

/** How one process ended in a chat command, and when (for the audit). */
export interface CommandProcessResult {
  id: string;
  /** ok, error, accepted (then no terminal reply), not_connected, disconnected, timeout. */
  outcome: string;
  at: number;
  elapsedMs?: number;
  detail?: string;
}

/** How a confirmation question ended, and every press on it (who pressed what). */
export interface CommandConfirmation {
  answer: "confirmed" | "cancelled" | "expired";
  /** Who answered it (the requester; absent when it expired or the bot stopped). */
  by?: number;
  at: number;
  detail?: string;
  presses?: { by: number; button: "Confirm" | "Cancel"; at: number; refused?: string }[];
}

/**
 * What the audit stage adds to `command.denied` and `command.done`: who (name, role), what they
 * typed, when it began, the confirmation and each process's outcome. Optional for hooks' sake.
 */
export interface CommandAuditDetail {
  userName?: string;
  text?: string;
  role?: "viewer" | "operator";
  startedAt?: number;
  confirmation?: CommandConfirmation;
  processes?: CommandProcessResult[];
}

/**
 * Lifecycle events of commands and alerts (the observer pattern): the bot core and the
 * monitor publish here, and the audit logger, the Telegram notifier and any user hook subscribe,
 * without the core knowing them.
 */
export interface LifecycleEvents {
  /** A chat command arrived (before auth). */
  "command.received": [e: { userId: number; chatId: number; command: string; text: string }];
  /** A user was refused (not authorized, or lacking the role). */
  "command.denied": [
    e: { userId: number; chatId: number; command: string; reason: string } & CommandAuditDetail,
  ];
  /** A command went out on the IPC. */
  "command.sent": [
    e: { userId: number; chatId: number; command: string; commandId: string; targets: string[] },
  ];
  /** One reply to a command (interim or terminal). */
  "command.reply": [
    e: { commandId: string; from: string; status: ReplyStatus; elapsedMs: number; error?: string },
  ];
  /** A command finished. */
  "command.done": [
    e: {
      userId: number;
      chatId: number;
      command: string;
      commandId?: string;
      targets: string[];
      outcome: Outcome;
      detail?: string;
    } & CommandAuditDetail,
  ];
  /** An alert to deliver to the alert chats (first notice, repeat, or folded flapping). */
  alert: [e: { processId: string; kind: IncidentKind; text: string; repeat: boolean }];
  /** An incident ended. */
  "alert.resolved": [e: { processId: string; kind: IncidentKind; text: string }];
  /** A quiet informational line (a planned stop, a process joining). */
  info: [e: { processId: string; text: string }];
}

export type LifecycleEventName = keyof LifecycleEvents;

/**
 * The bus. A subscriber that throws is logged and does not stop the others.
 *
 * @example
 * const bus = new LifecycleBus();
 * bus.on("alert", (e) => console.log(e.text));
 */
export class LifecycleBus extends EventEmitter<LifecycleEvents> {
  constructor(private readonly log?: Logger) {
    super();
  }

  override emit<K extends LifecycleEventName>(name: K, ...args: LifecycleEvents[K]): boolean {
    let any = false;
    for (const listener of this.listeners(name) as ((...a: LifecycleEvents[K]) => unknown)[]) {
      any = true;
      try {
        const out = listener(...args);
        if (out instanceof Promise)
          out.catch((err) => this.log?.error({ err, event: name }, "observer failed"));
      } catch (err) {
        this.log?.error({ err, event: name }, "observer failed");
      }
    }
    return any;
  }
}

/** Listeners by event name, for {@link listenAll}. */
export type Listeners<T extends Record<keyof T, unknown[]>> = { [K in keyof T]?: (...args: T[K]) => void };

/**
 * Subscribes each of `listeners` to `emitter`; the function returned unsubscribes them all, so a
 * component that listens while started leaves nothing behind when stopped.
 *
 * @example
 * const unlisten = listenAll(bus, { alert: (e) => console.log(e.text), info: (e) => console.log(e.text) });
 * unlisten();
 */
export function listenAll<T extends Record<keyof T, unknown[]>>(
  emitter: EventEmitter<T>,
  listeners: NoInfer<Listeners<T>>,
): () => void {
  // Typed at the call site through Listeners<T>; node's per-event overloads add nothing here.
  const plain = emitter as unknown as EventEmitter;
  const entries = Object.entries(listeners) as [string, (...args: unknown[]) => void][];
  for (const [name, listener] of entries) plain.on(name, listener);
  return () => {
    for (const [name, listener] of entries) plain.off(name, listener);
  };
}
