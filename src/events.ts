import { EventEmitter } from "node:events";
import type { Logger } from "./log.ts";

/**
 * Lifecycle events of commands and alerts (seed 002's observer pattern): the bot core and the
 * monitor publish here, and the audit logger, the Telegram notifier and any user hook subscribe,
 * without the core knowing them.
 */
export interface LifecycleEvents {
  /** A chat command arrived (before auth). */
  "command.received": [e: { userId: number; chatId: number; command: string; text: string }];
  /** A user was refused (not authorized, or lacking the role). */
  "command.denied": [e: { userId: number; chatId: number; command: string; reason: string }];
  /** A command went out on the IPC. */
  "command.sent": [
    e: { userId: number; chatId: number; command: string; commandId: string; targets: string[] },
  ];
  /** One reply to a command (interim or terminal). */
  "command.reply": [
    e: { commandId: string; from: string; status: string; elapsedMs: number; error?: string },
  ];
  /** A command finished; `outcome` is ok, error, timeout, not_connected, cancelled, expired or invalid. */
  "command.done": [
    e: {
      userId: number;
      chatId: number;
      command: string;
      commandId?: string;
      targets: string[];
      outcome: string;
      detail?: string;
    },
  ];
  /** An alert to deliver to the alert chats (first notice, repeat, or folded flapping). */
  alert: [e: { processId: string; kind: string; text: string; repeat: boolean }];
  /** An incident ended. */
  "alert.resolved": [e: { processId: string; kind: string; text: string }];
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
    super({ captureRejections: true });
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
