import { describe, expect, it } from "vitest";
import { type HandlerDeps, runHandler } from "../../src/ipc/handlers.ts";
import type { HandlerContext, IpcCommand } from "../../src/ipc/index.ts";
import { silentLogger } from "../../src/log.ts";

const command: IpcCommand = {
  command_id: "bot_1_1",
  sender_id: "bot",
  target_id: "mm1",
  command_type: "ping",
  payload: {},
  timestamp: 1,
};

/** Deps that record every reply; `failOk` makes the ok reply throw as an oversized one would. */
function recorder(options: { failOk?: boolean } = {}) {
  const replies: { status: string; result?: Record<string, unknown>; error?: string }[] = [];
  let logs = 0;
  const deps: HandlerDeps = {
    reply: (status, result, error) => {
      if (options.failOk && status === "ok") throw new Error("ok frame of 70000 bytes exceeds the limit");
      replies.push({ status, ...(result ? { result } : {}), ...(error !== undefined ? { error } : {}) });
      return Promise.resolve();
    },
    log: () => {
      logs++;
      return silentLogger;
    },
  };
  return { deps, replies, logs: () => logs };
}

describe("runHandler", () => {
  it("a handler that returns a value is answered in the same tick, with no await in between", async () => {
    const r = recorder();
    const done = runHandler(command, () => ({ state: "sleeping" }), r.deps);
    expect(r.replies).toEqual([{ status: "ok", result: { state: "sleeping" } }]);
    await done;
    expect(r.logs()).toBe(0); // no logger made for a command that never logs
  });

  it("a returned promise is answered once it settles; nothing, or a non-object, is an empty result", async () => {
    const r = recorder();
    let release!: (v: undefined) => void;
    const done = runHandler(command, () => new Promise<undefined>((resolve) => (release = resolve)), r.deps);
    await Promise.resolve();
    expect(r.replies).toEqual([]);
    release(undefined);
    await done;
    expect(r.replies).toEqual([{ status: "ok", result: {} }]);
  });

  it("a throw or a rejection is an error reply with its message", async () => {
    const r = recorder();
    await runHandler(
      command,
      () => {
        throw new Error("boom");
      },
      r.deps,
    );
    await runHandler(command, () => Promise.reject(new Error("later")), r.deps);
    expect(r.replies).toEqual([
      { status: "error", error: "boom" },
      { status: "error", error: "later" },
    ]);
  });

  it("an ok reply that cannot be encoded becomes an error reply", async () => {
    const r = recorder({ failOk: true });
    await runHandler(command, () => ({ big: true }), r.deps);
    expect(r.replies).toEqual([{ status: "error", error: "ok frame of 70000 bytes exceeds the limit" }]);
  });

  it("accept() sends one accepted reply before the terminal one; a spread context keeps log and accept", async () => {
    const r = recorder();
    let spread: Record<string, unknown> = {};
    await runHandler(
      command,
      async (_c, ctx) => {
        spread = { ...ctx };
        await ctx.accept({ step: 1 });
        await ctx.accept({ step: 2 });
        ctx.log.info("working");
        return { done: true };
      },
      r.deps,
    );
    expect(r.replies).toEqual([
      { status: "accepted", result: { step: 1 } },
      { status: "ok", result: { done: true } },
    ]);
    expect(typeof spread.accept).toBe("function");
    expect(spread.log).toBe(silentLogger);
  });

  it("{ context: false } builds no context for the handler", async () => {
    const r = recorder();
    let seen: HandlerContext | undefined | null = null;
    await runHandler(
      command,
      (_c, ctx) => {
        seen = ctx;
        return { state: "running" };
      },
      r.deps,
      { context: false },
    );
    expect(seen).toBeUndefined();
    expect(r.replies).toEqual([{ status: "ok", result: { state: "running" } }]);
  });
});
