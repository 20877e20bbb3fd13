import type { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeerSpec, Transport, TransportHandlers } from "../src/ipc/transport.ts";

/** A fresh IPC_DIR per test, short enough for the 107-byte ipc path limit. */
export function tempIpcDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mctl-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves when `check` holds, polling the event loop (tests only); rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Resolves with the first truthy value of `probe`, polled every 20 ms; rejects after `ms` with
 * `context()` appended. For tests of real child processes only, whose state changes announce
 * nothing in this process; in-process tests wait on events (missionctl/testing's `waitFor`).
 */
export async function pollFor<T>(
  probe: () => T | undefined | false | null,
  ms: number,
  what: string,
  context?: () => string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - start > ms) {
      const extra = context?.();
      throw new Error(`timed out after ${ms} ms waiting for ${what}${extra ? `\n${extra}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets queued microtasks (memory transport deliveries) run. */
export const flush = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/**
 * A transport wrapper that records every frame in and out and can lose outgoing frames, for tests
 * of re-sends and of the exact bytes on the wire.
 */
export class TapTransport implements Transport {
  /** Frames handed up by the inner transport, copied, with the peer they came from. */
  readonly received: { frame: Buffer; peer: string | undefined }[] = [];
  /** Frames actually passed down to the inner transport (lost ones excluded), copied. */
  readonly published: Buffer[] = [];
  /** Frames this wrapper lost on purpose. */
  readonly lost: Buffer[] = [];
  /** Return true to lose the `index`-th (0-based) outgoing frame instead of publishing it. */
  losePublish: (frame: Buffer, index: number) => boolean = () => false;
  #publishes = 0;

  constructor(readonly inner: Transport) {}

  get id(): string {
    return this.inner.id;
  }

  get address(): string {
    return this.inner.address;
  }

  setHandlers(handlers: TransportHandlers): void {
    this.inner.setHandlers({
      ...handlers,
      frame: (frame, peer) => {
        this.received.push({ frame: Buffer.from(frame), peer });
        handlers.frame(frame, peer);
      },
    });
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  publish(frame: Buffer): Promise<void> {
    const index = this.#publishes++;
    if (this.losePublish(frame, index)) {
      this.lost.push(Buffer.from(frame));
      return Promise.resolve();
    }
    this.published.push(Buffer.from(frame));
    return this.inner.publish(frame);
  }

  connect(peer: PeerSpec): void {
    this.inner.connect(peer);
  }

  disconnect(peerId: string): void {
    this.inner.disconnect(peerId);
  }

  close(options?: { lingerMs?: number }): Promise<void> {
    return this.inner.close(options);
  }
}

/** Resolves with the arguments of the first `event` whose arguments satisfy `match`; rejects after `ms`. */
export function nextEvent<A extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  match: (...args: A) => boolean = () => true,
  ms = 5000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (!match(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for event "${event}"`));
    }, ms);
    emitter.on(event, listener);
  });
}
