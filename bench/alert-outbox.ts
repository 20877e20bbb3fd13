/**
 * Alert enqueue → Bot API request, in process: the time from the monitor publishing an alert to
 * the notifier calling the Bot API, with the state on (the alert written to the SQLite outbox in
 * the incident's transaction, committed with fsync, then marked in flight) and off (memory only).
 * The send is a stub that records when it is called; nothing else runs meanwhile.
 */
import { join } from "node:path";
import { LifecycleBus } from "../src/events.ts";
import { createAlertNotifier } from "../src/monitor/index.ts";
import { openState } from "../src/state/index.ts";
import { pct, progress, sleep, tempDir } from "./common.ts";

const ALERTS = 200;
/** Far enough apart that each alert goes alone, at once (the first urgent line never waits). */
const GAP_MS = 20;

export interface AlertOutboxResult {
  outbox_p50_ms: number;
  outbox_p99_ms: number;
  memory_p50_ms: number;
  memory_p99_ms: number;
}

async function measure(withState: boolean): Promise<number[]> {
  const state = withState ? openState(join(tempDir(), "state.db")) : undefined;
  const bus = new LifecycleBus();
  const sentAt = new Map<string, number>();
  const notifier = createAlertNotifier({
    bus,
    chats: [1],
    send: async (_chat, text) => {
      sentAt.set(text, performance.now());
      return { message_id: 1 };
    },
    groupWindowMs: 0,
    ...(state ? { outbox: state.outbox } : {}),
  });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < ALERTS; i++) {
      const text = `🔴 p${i} disconnected (no stopped notice)`;
      const t0 = performance.now();
      // As the monitor does it: the alert and its outbox row in one transaction.
      const emit = () => bus.emit("alert", { processId: `p${i}`, kind: "disconnected", text, repeat: false });
      if (state) state.atomic(emit);
      else emit();
      await sleep(GAP_MS);
      const t1 = sentAt.get(text);
      if (t1 === undefined) throw new Error(`alert ${i} was not sent within ${GAP_MS} ms`);
      latencies.push(t1 - t0);
    }
    await notifier.idle();
    if (state && state.outbox.size() !== 0) throw new Error("the outbox kept delivered alerts");
    return latencies;
  } finally {
    notifier.stop();
    state?.close();
  }
}

export async function benchAlertOutbox(): Promise<AlertOutboxResult> {
  progress("outbox", `${ALERTS} alerts, ${GAP_MS} ms apart, state off then on`);
  const memory = await measure(false);
  const outbox = await measure(true);
  return {
    outbox_p50_ms: pct(outbox, 0.5),
    outbox_p99_ms: pct(outbox, 0.99),
    memory_p50_ms: pct(memory, 0.5),
    memory_p99_ms: pct(memory, 0.99),
  };
}
