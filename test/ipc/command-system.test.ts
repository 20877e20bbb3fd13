import { getEventListeners } from "node:events";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import {
  encodeFrame,
  encodeTopic,
  type IpcCommand,
  IpcCommandSystem,
  IpcError,
  MemoryHub,
  MemoryTransport,
  readReply,
} from "../../src/ipc/index.ts";
import { createLogger } from "../../src/log.ts";
import { flush, TapTransport } from "../helpers.ts";

/** An in-memory network of command systems sharing one hub (and, when given, one fake clock). */
function network(clock?: FakeClock) {
  const hub = new MemoryHub();
  const systems: IpcCommandSystem[] = [];
  const add = async (
    id: string,
    options: { tap?: boolean; logger?: ReturnType<typeof createLogger>; maxFrameBytes?: number } = {},
  ) => {
    const memory = new MemoryTransport(hub, id);
    const tap = new TapTransport(memory);
    const system = new IpcCommandSystem({
      id,
      transport: options.tap ? tap : memory,
      ...(clock ? { clock } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : {}),
    });
    await system.start();
    systems.push(system);
    return { system, tap, memory };
  };
  /** Each hears the other (the bot ↔ strategy arrangement). */
  const link = async (a: IpcCommandSystem, b: IpcCommandSystem) => {
    a.connectToProcess(b.id);
    b.connectToProcess(a.id);
    await flush();
  };
  /** A bare transport that publishes raw bytes and records what it hears. */
  const raw = async (id: string, hear: string[]) => {
    const t = new MemoryTransport(hub, id);
    const frames: Buffer[] = [];
    t.setHandlers({ frame: (f) => frames.push(Buffer.from(f)), subscription() {}, peerLink() {} });
    await t.start();
    for (const peer of hear) t.connect({ id: peer });
    await flush();
    return { t, frames };
  };
  const stopAll = async () => {
    for (const s of systems) await s.stop();
  };
  return { hub, add, link, raw, stopAll };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const cmd = (over: Partial<IpcCommand> = {}): IpcCommand => ({
  command_id: "evil_1_1",
  sender_id: "evil",
  target_id: "mm1",
  command_type: "ping",
  payload: {},
  timestamp: 1,
  ...over,
});

const repliesIn = (frames: Buffer[]) =>
  frames.map((f) => {
    const c = JSON.parse(f.subarray(64).toString("utf8")) as IpcCommand;
    return { from: c.sender_id, reply: readReply(c), frame: f };
  });

describe("IpcCommandSystem over the memory transport", () => {
  it("round trip: request → handler → ok reply correlated by command_id", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const { system: mm1 } = await net.add("mm1");
    const seen: IpcCommand[] = [];
    mm1.registerHandler("ping", (c) => {
      seen.push(c);
      return { state: "sleeping", echo: c.payload };
    });
    await net.link(bot, mm1);
    expect(bot.isReachable("mm1")).toBe(true);

    const result = await bot.request("mm1", "ping", { n: 7 });
    expect(result.ok).toBe(true);
    expect(result.expected).toEqual(["mm1"]);
    expect(result.sends).toBe(1);
    expect(result.missing.size).toBe(0);
    const reply = result.terminal.get("mm1");
    expect(reply?.status).toBe("ok");
    expect(reply?.result).toEqual({ state: "sleeping", echo: { n: 7 } });
    expect(reply?.reply.target_id).toBe("bot");
    expect(reply?.reply.payload.reply_to).toBe(result.command.command_id);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual(result.command);
    expect(result.command.command_id).toMatch(/^bot_\d+_\d+$/);
    expect(bot.pendingRequests).toBe(0);
  });

  it("a transport that takes text gets every frame as text, the same bytes as encodeFrame", async () => {
    const hub = new MemoryHub();
    /** The memory transport, plus publishText: what the ZeroMQ transports offer. */
    class TextMemoryTransport extends MemoryTransport {
      readonly texts: string[] = [];
      publishText(frame: string): Promise<void> {
        this.texts.push(frame);
        return this.publish(Buffer.from(frame, "utf8"));
      }
    }
    const botT = new TextMemoryTransport(hub, "bot");
    const mm1T = new TextMemoryTransport(hub, "mm1");
    const bot = new IpcCommandSystem({ id: "bot", transport: botT });
    const mm1 = new IpcCommandSystem({ id: "mm1", transport: mm1T });
    cleanup = async () => {
      await bot.stop();
      await mm1.stop();
    };
    mm1.registerHandler("ping", () => ({ state: "sleeping" }), { context: false });
    await bot.start();
    await mm1.start();
    bot.connectToProcess("mm1");
    mm1.connectToProcess("bot");
    await flush();
    const result = await bot.request("mm1", "ping", { n: 1 });
    expect(result.ok).toBe(true);
    expect(botT.texts).toHaveLength(1);
    expect(Buffer.from(botT.texts[0] as string).equals(encodeFrame(result.command))).toBe(true);
    const reply = result.terminal.get("mm1")?.reply as IpcCommand;
    expect(mm1T.texts).toHaveLength(1);
    expect(Buffer.from(mm1T.texts[0] as string).equals(encodeFrame(reply))).toBe(true);
    expect(reply.payload).toEqual({
      reply_to: result.command.command_id,
      status: "ok",
      result: { state: "sleeping" },
    });
  });

  it("handler results: undefined gives ok with {}, a throw gives an error reply with its message", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const { system: mm1 } = await net.add("mm1");
    mm1.registerHandler("nothing", () => undefined);
    mm1.registerHandler("fail", async () => {
      throw new Error("step is broken");
    });
    await net.link(bot, mm1);
    const nothing = await bot.request("mm1", "nothing");
    expect(nothing.ok).toBe(true);
    expect(nothing.terminal.get("mm1")?.result).toEqual({});
    const fail = await bot.request("mm1", "fail");
    expect(fail.ok).toBe(false);
    expect(fail.terminal.get("mm1")).toMatchObject({ status: "error", error: "step is broken" });
  });

  it("interim accepted is reported before the terminal reply", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const { system: mm1 } = await net.add("mm1");
    let finish!: () => void;
    mm1.registerHandler("finish_and_exit", async (_c, ctx) => {
      await ctx.accept({ note: "finishing step" });
      await ctx.accept(); // a second accept is not sent again
      await new Promise<void>((r) => {
        finish = r;
      });
      return { exited: true };
    });
    await net.link(bot, mm1);
    const statuses: string[] = [];
    const pending = bot.request("mm1", "finish_and_exit", {}, { onReply: (r) => statuses.push(r.status) });
    await flush();
    expect(statuses).toEqual(["accepted"]);
    finish();
    const result = await pending;
    expect(statuses).toEqual(["accepted", "ok"]);
    expect(result.terminal.get("mm1")?.result).toEqual({ exited: true });
    expect(result.acceptedOnly).toEqual([]);
  });

  describe("broadcast and multicast", () => {
    const ids = ["mm1", "mm10", "mm2", "mx1", "abc"];

    async function fleet() {
      const net = network();
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const calls: string[] = [];
      const systems = new Map<string, IpcCommandSystem>();
      for (const id of ids) {
        const { system } = await net.add(id);
        system.registerHandler("ping", (c) => {
          calls.push(`${id}<-${c.target_id}`);
          return {};
        });
        await net.link(bot, system);
        systems.set(id, system);
      }
      // mm3 exists and hears nothing from the bot: no target can reach it.
      const { system: deaf } = await net.add("mm3");
      deaf.registerHandler("ping", () => {
        calls.push("mm3<-?");
        return {};
      });
      return { bot, calls, systems };
    }

    const reached = (calls: string[], target: string) =>
      calls
        .filter((c) => c.endsWith(`<-${target}`))
        .map((c) => c.split("<-")[0])
        .sort();

    it.each([
      ["*", ["abc", "mm1", "mm10", "mm2", "mx1"]],
      ["mm*", ["mm1", "mm10", "mm2"]],
      ["mm1*", ["mm1", "mm10"]],
      ["m*", ["mm1", "mm10", "mm2", "mx1"]],
      ["mm1", ["mm1"]],
      ["a*", ["abc"]],
    ])("request to %s reaches exactly %j, and each of them answers", async (target, expected) => {
      const { bot, calls } = await fleet();
      const result = await bot.request(target, "ping");
      expect(result.expected).toEqual(expected);
      expect([...result.terminal.keys()].sort()).toEqual(expected);
      expect(result.ok).toBe(true);
      expect(reached(calls, target)).toEqual(expected);
      expect(calls.filter((c) => !c.endsWith(`<-${target}`))).toEqual([]);
    });

    it("broadcast() and a multicast sendCommand() reach exactly the matching processes", async () => {
      const { bot, systems } = await fleet();
      const heard: string[] = [];
      for (const [id, s] of systems)
        s.on("message", (c) => heard.push(`${id}:${c.target_id}.${c.command_type}`));
      await bot.broadcast("heartbeat", { seq: 1 });
      await bot.sendCommand("mm*", "heartbeat", { seq: 2 });
      await flush();
      expect(heard.sort()).toEqual(
        [
          ...ids.map((id) => `${id}:*.heartbeat`),
          "mm1:mm*.heartbeat",
          "mm10:mm*.heartbeat",
          "mm2:mm*.heartbeat",
        ].sort(),
      );
    });

    it("a group target with nobody present ends after the empty-group wait with nothing expected", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const pending = bot.request("zz*", "ping");
      let done = false;
      void pending.then(() => {
        done = true;
      });
      await flush();
      clock.advance(299);
      await flush();
      expect(done).toBe(false);
      clock.advance(1);
      const result = await pending;
      expect(result.expected).toEqual([]);
      expect(result.sends).toBe(1);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe("malformed input", () => {
    async function victim() {
      const clock = new FakeClock(1_000_000);
      const net = network(clock);
      cleanup = net.stopAll;
      const lines: string[] = [];
      const logger = createLogger(
        { level: "warn" },
        new Writable({
          write(chunk, _enc, cb) {
            lines.push(chunk.toString());
            cb();
          },
        }),
      );
      const { system: bot } = await net.add("bot");
      const { system: mm1 } = await net.add("mm1", { logger });
      let calls = 0;
      let messages = 0;
      mm1.registerHandler("ping", () => {
        calls++;
        return { pong: true };
      });
      mm1.on("message", () => messages++);
      await net.link(bot, mm1);
      const evil = await net.raw("evil", ["mm1"]);
      mm1.connectToProcess("evil");
      await flush();
      const stillWorks = async () => {
        const before = calls;
        const r = await bot.request("mm1", "ping");
        expect(r.ok).toBe(true);
        expect(calls).toBe(before + 1);
      };
      return { mm1, evil, clock, lines, stillWorks, calls: () => calls, messages: () => messages };
    }

    const pad = (topic: string) => encodeTopic(topic.split(".")[0] ?? "", topic.split(".")[1] ?? "");
    const body = (o: unknown) => Buffer.from(JSON.stringify(o));

    it.each([
      ["too_short", () => Buffer.from("mm1.ping {}")],
      ["bad_json", () => Buffer.concat([pad("mm1.ping"), Buffer.from("{oops")])],
      ["bad_schema", () => Buffer.concat([pad("mm1.ping"), body({ ...cmd(), timestamp: "now" })])],
      ["bad_schema", () => Buffer.concat([pad("mm1.ping"), body({ ...cmd(), payload: "x" })])],
      ["topic_mismatch", () => Buffer.concat([pad("mm1.ping"), body(cmd({ command_type: "status" }))])],
      ["topic_mismatch", () => Buffer.concat([pad("mm1.ping"), body(cmd({ target_id: "*" }))])],
      [
        "too_large",
        () => encodeFrame(cmd({ payload: { blob: "x".repeat(70 * 1024) } })), // valid apart from its size
      ],
      // evil's socket, another process's name: a process speaks only for itself.
      ["sender_mismatch", () => encodeFrame(cmd({ sender_id: "bot" }))],
      [
        "bad_schema",
        // 20,000 levels in 40 KB (under the size limit): parses, but stringifying it overflows the stack.
        () =>
          Buffer.concat([
            pad("mm1.ping"),
            Buffer.from(
              JSON.stringify(cmd()).replace("{}", `{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`),
            ),
          ]),
      ],
    ] as const)(
      "a %s frame is dropped, counted by reason, and the receiver goes on",
      async (reason, make) => {
        const v = await victim();
        await v.evil.t.publish(make());
        await flush();
        expect(v.mm1.drops.counts[reason]).toBe(1);
        expect(v.mm1.drops.total).toBe(1);
        expect(v.calls()).toBe(0);
        expect(v.messages()).toBe(0);
        expect(v.evil.frames).toHaveLength(0); // no reply of any kind
        expect(v.lines.join("")).toContain(reason);
        await v.stillWorks();
      },
    );

    it("a listener or reply callback that throws drops that frame only; the receiver goes on", async () => {
      const v = await victim();
      let throws = 1;
      v.mm1.on("message", () => {
        if (throws-- > 0) throw new Error("listener bug");
      });
      await v.evil.t.publish(encodeFrame(cmd()));
      await flush();
      expect(v.mm1.drops.handlingFailures).toBe(1);
      expect(v.lines.join("")).toContain("listener bug");
      await v.stillWorks();
    });

    it("a forged reply from another socket neither settles a request nor reaches its callback", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const { system: mm1 } = await net.add("mm1");
      let release!: () => void;
      mm1.registerHandler("slow", () => new Promise((r) => (release = () => r({ real: true }))));
      await net.link(bot, mm1);
      const forger = await net.raw("forger", ["bot"]);
      bot.connectToProcess("forger");
      await flush();
      const seen: unknown[] = [];
      const pending = bot.request("mm1", "slow", {}, { onReply: (r) => seen.push(r.result) });
      await flush();
      const sent = forger.frames.map((f) => JSON.parse(f.toString("utf8", 64)) as IpcCommand);
      const commandId = sent.find((c) => c.command_type === "slow")?.command_id ?? "";
      await forger.t.publish(
        encodeFrame({
          command_id: "forger_1_1",
          sender_id: "mm1",
          target_id: "bot",
          command_type: "reply",
          payload: { reply_to: commandId, status: "ok", result: { forged: true } },
          timestamp: 1,
        }),
      );
      await flush();
      expect(bot.drops.counts.sender_mismatch).toBe(1);
      expect(bot.pendingRequests).toBe(1);
      release();
      expect((await pending).terminal.get("mm1")?.result).toEqual({ real: true });
      expect(seen).toEqual([{ real: true }]);
    });

    it("a payload or result nested deeper than the limit is refused at send", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const { system: mm1 } = await net.add("mm1");
      await net.link(bot, mm1);
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 100; i++) deep = { d: deep };
      expect(() => encodeFrame(cmd({ payload: deep }))).toThrow(/nests deeper than 64/);
      await expect(bot.request("mm1", "ping", deep)).rejects.toThrow(/nests deeper than 64/);
      mm1.registerHandler("deep", () => deep);
      const result = await bot.request("mm1", "deep");
      expect(result.terminal.get("mm1")).toMatchObject({ status: "error" });
      expect(result.terminal.get("mm1")?.error).toMatch(/nests deeper than 64/);
    });

    it("a flood of garbage is counted in full but logged at a bounded rate", async () => {
      const v = await victim();
      const kinds = [
        Buffer.from("mm1.x"),
        Buffer.concat([pad("mm1.ping"), Buffer.from("not json")]),
        Buffer.concat([pad("mm1.ping"), body({})]),
      ];
      for (let i = 0; i < 3000; i++) await v.evil.t.publish(kinds[i % 3] as Buffer);
      await flush();
      expect(v.mm1.drops.total).toBe(3000);
      expect(v.mm1.drops.counts).toMatchObject({ too_short: 1000, bad_json: 1000, bad_schema: 1000 });
      expect(v.lines).toHaveLength(1);
      v.clock.advance(1000);
      await v.evil.t.publish(kinds[0] as Buffer);
      await flush();
      expect(v.lines).toHaveLength(2);
      expect(JSON.parse(v.lines[1] as string)).toMatchObject({ level: 40, suppressed: 2999 });
      await v.stillWorks();
    });
  });

  it("a topic over 64 bytes throws at send and nothing is published", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot, tap } = await net.add("bot", { tap: true });
    const target = "a".repeat(40);
    const type = "b".repeat(31);
    await expect(bot.sendCommand(target, type)).rejects.toMatchObject({ code: "TOPIC_TOO_LONG" });
    await expect(bot.sendCommand(`${target}*`, "x".repeat(23))).rejects.toMatchObject({
      code: "TOPIC_TOO_LONG",
    });
    await expect(bot.request(target, type)).rejects.toMatchObject({ code: "TOPIC_TOO_LONG" });
    await expect(bot.request("a.b", "ping")).rejects.toMatchObject({ code: "INVALID_ID" });
    expect(tap.published).toHaveLength(0);
    expect(bot.pendingRequests).toBe(0);
    // 64 bytes exactly is fine.
    await bot.sendCommand(target, "c".repeat(23));
    expect(tap.published).toHaveLength(1);
  });

  it("a frame over the size limit is refused at send, and an oversized result becomes an error reply", async () => {
    const clock = new FakeClock(0);
    const net = network(clock);
    cleanup = net.stopAll;
    const { system: bot, tap } = await net.add("bot", { tap: true });
    const { system: mm1 } = await net.add("mm1");
    mm1.registerHandler("dump", () => ({ blob: "x".repeat(70 * 1024) }));
    await net.link(bot, mm1);
    const big = { blob: "y".repeat(70 * 1024) };
    await expect(bot.sendCommand("mm1", "ping", big)).rejects.toMatchObject({ code: "INVALID_COMMAND" });
    await expect(bot.request("mm1", "ping", big)).rejects.toThrow(/exceeds the 65536-byte limit/);
    expect(tap.published).toHaveLength(0);
    // The receiver would drop a 70 KiB reply; the requester gets a prompt error instead of a timeout.
    const result = await bot.request("mm1", "dump");
    expect(result.terminal.get("mm1")?.status).toBe("error");
    expect(result.terminal.get("mm1")?.error).toMatch(/exceeds the 65536-byte limit/);
    expect(bot.drops.total).toBe(0);
    expect(clock.now()).toBe(0);
  });

  describe("idempotent delivery", () => {
    it("a duplicate command_id executes the handler once; the repeat gets the cached reply, byte for byte", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: mm1 } = await net.add("mm1");
      let calls = 0;
      let messages = 0;
      mm1.registerHandler("ping", () => ({ n: ++calls }));
      mm1.on("message", () => messages++);
      const req = await net.raw("req", ["mm1"]);
      mm1.connectToProcess("req");
      await flush();
      const frame = encodeFrame(cmd({ command_id: "req_1_1", sender_id: "req" }));
      await req.t.publish(frame);
      await flush();
      await req.t.publish(frame);
      await flush();
      expect(calls).toBe(1);
      expect(messages).toBe(1); // a repeat is not a new message for observers either
      const replies = repliesIn(req.frames);
      expect(replies).toHaveLength(2);
      expect(replies[0]?.reply).toEqual({ reply_to: "req_1_1", status: "ok", result: { n: 1 } });
      expect(replies[1]?.frame.equals(replies[0]?.frame as Buffer)).toBe(true);
      // A new command_id executes again.
      await req.t.publish(encodeFrame(cmd({ command_id: "req_1_2", sender_id: "req" })));
      await flush();
      expect(calls).toBe(2);
    });

    it("a repeat that arrives while the handler runs gets the accepted reply, and the handler still runs once", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: mm1 } = await net.add("mm1");
      let calls = 0;
      let release!: () => void;
      mm1.registerHandler("exit_now", async (_c, ctx) => {
        calls++;
        await ctx.accept();
        await new Promise<void>((r) => {
          release = r;
        });
        return { bye: true };
      });
      const req = await net.raw("req", ["mm1"]);
      mm1.connectToProcess("req");
      await flush();
      const frame = encodeFrame(cmd({ command_id: "req_9_9", sender_id: "req", command_type: "exit_now" }));
      await req.t.publish(frame);
      await flush();
      await req.t.publish(frame);
      await flush();
      expect(calls).toBe(1);
      expect(repliesIn(req.frames).map((r) => r.reply?.status)).toEqual(["accepted", "accepted"]);
      release();
      await flush();
      await req.t.publish(frame);
      await flush();
      expect(calls).toBe(1);
      expect(repliesIn(req.frames).map((r) => r.reply?.status)).toEqual(["accepted", "accepted", "ok", "ok"]);
    });

    it("re-sends the same command_id when the first frame was lost", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot, tap } = await net.add("bot", { tap: true });
      const { system: mm1 } = await net.add("mm1");
      let calls = 0;
      mm1.registerHandler("ping", () => ({ n: ++calls }));
      await net.link(bot, mm1);
      tap.losePublish = (_f, i) => i === 0;
      const pending = bot.request("mm1", "ping");
      await flush();
      expect(tap.lost).toHaveLength(1);
      expect(calls).toBe(0);
      clock.advance(100); // first re-send
      const result = await pending;
      expect(result.ok).toBe(true);
      expect(result.sends).toBe(2);
      expect(calls).toBe(1);
      expect(tap.published).toHaveLength(1);
      expect(tap.published[0]?.equals(tap.lost[0] as Buffer)).toBe(true); // same bytes, same command_id
      expect(clock.pendingTimers).toBe(0);
    });

    it("when the reply is lost, the re-send is answered from the cache without executing again", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const { system: mm1, tap } = await net.add("mm1", { tap: true });
      let calls = 0;
      mm1.registerHandler("ping", () => ({ n: ++calls }));
      await net.link(bot, mm1);
      tap.losePublish = (_f, i) => i === 0;
      const pending = bot.request("mm1", "ping");
      await flush();
      expect(tap.lost).toHaveLength(1);
      clock.advance(100);
      const result = await pending;
      expect(result.ok).toBe(true);
      expect(result.sends).toBe(2);
      expect(result.terminal.get("mm1")?.result).toEqual({ n: 1 });
      expect(calls).toBe(1);
      expect(tap.published[0]?.equals(tap.lost[0] as Buffer)).toBe(true);
    });
  });

  describe("unknown command types", () => {
    it("a unicast of an unknown type gets an error reply naming the type", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const { system: mm1 } = await net.add("mm1");
      await net.link(bot, mm1);
      const result = await bot.request("mm1", "launch_rockets");
      expect(result.ok).toBe(false);
      const reply = result.terminal.get("mm1");
      expect(reply?.status).toBe("error");
      expect(reply?.error).toContain("launch_rockets");
    });

    it("a broadcast or multicast of an unknown type is ignored; a known one is answered", async () => {
      const net = network();
      cleanup = net.stopAll;
      const { system: mm1 } = await net.add("mm1");
      mm1.registerHandler("ping", () => ({}));
      const req = await net.raw("req", ["mm1"]);
      mm1.connectToProcess("req");
      await flush();
      const send = (target: string, type: string, id: string) =>
        req.t.publish(
          encodeFrame(cmd({ command_id: id, sender_id: "req", target_id: target, command_type: type })),
        );
      await send("*", "launch_rockets", "req_1_1");
      await send("mm*", "launch_rockets", "req_1_2");
      await flush();
      expect(req.frames).toHaveLength(0);
      await send("*", "ping", "req_1_3");
      await send("mm*", "ping", "req_1_4");
      await flush();
      expect(repliesIn(req.frames).map((r) => r.reply?.reply_to)).toEqual(["req_1_3", "req_1_4"]);
    });
  });

  describe("requests leave nothing behind", () => {
    async function hanging() {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const { system: mm1 } = await net.add("mm1");
      let calls = 0;
      mm1.registerHandler("hang", () => {
        calls++;
        return new Promise(() => {});
      });
      await net.link(bot, mm1);
      return { clock, bot, mm1, calls: () => calls };
    }

    it("timeout: resolves with the target missing, re-sends never re-execute, no timers/listeners/entries left", async () => {
      const { clock, bot, calls } = await hanging();
      const controller = new AbortController();
      let done = false;
      const pending = bot.request("mm1", "hang", {}, { timeoutMs: 10_000, signal: controller.signal });
      void pending.then(() => {
        done = true;
      });
      expect(bot.pendingRequests).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      while (clock.now() < 9_999) {
        clock.advance(Math.min(50, 9_999 - clock.now()));
        await flush(1);
      }
      expect(done).toBe(false);
      clock.advance(1);
      const result = await pending;
      expect(result.ok).toBe(false);
      expect(result.missing.get("mm1")).toBe("timeout");
      expect(result.terminal.size).toBe(0);
      expect(result.sends).toBeGreaterThan(1);
      expect(calls()).toBe(1);
      expect(bot.pendingRequests).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("abort: rejects with ABORTED and cleans up the same way", async () => {
      const { clock, bot } = await hanging();
      const controller = new AbortController();
      const pending = bot.request("mm1", "hang", {}, { signal: controller.signal });
      clock.advance(150);
      await flush();
      controller.abort("user cancelled");
      await expect(pending).rejects.toMatchObject({ code: "ABORTED" });
      expect(bot.pendingRequests).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("an already-aborted signal rejects without publishing anything", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot, tap } = await net.add("bot", { tap: true });
      const signal = AbortSignal.abort();
      await expect(bot.request("*", "ping", {}, { signal })).rejects.toBeInstanceOf(IpcError);
      expect(tap.published).toHaveLength(0);
      expect(bot.pendingRequests).toBe(0);
      expect(clock.pendingTimers).toBe(0);
    });

    it("stop() rejects requests in flight with CLOSED and leaves nothing", async () => {
      const { clock, bot } = await hanging();
      const pending = bot.request("mm1", "hang");
      await flush();
      await bot.stop();
      await expect(pending).rejects.toMatchObject({ code: "CLOSED" });
      expect(bot.pendingRequests).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      await expect(bot.request("mm1", "hang")).rejects.toMatchObject({ code: "NOT_STARTED" });
    });

    it("a target that disconnects mid-request is reported after the settle window, before the timeout", async () => {
      const { clock, bot, mm1 } = await hanging();
      let disconnected = "";
      bot.on("disconnected", (id) => {
        disconnected = id;
      });
      const pending = bot.request("mm1", "hang");
      await flush();
      await mm1.stop();
      await flush();
      expect(disconnected).toBe("mm1");
      clock.advance(300);
      const result = await pending;
      expect(result.missing.get("mm1")).toBe("disconnected");
      expect(result.ok).toBe(false);
      expect(clock.now()).toBeLessThan(10_000);
      expect(bot.pendingRequests).toBe(0);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  describe("join window (slow joiner)", () => {
    it("a unicast target that never connects is 'not connected' after the 1500 ms default, nothing sent", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot, tap } = await net.add("bot", { tap: true });
      let done = false;
      const pending = bot.request("ghost", "ping");
      void pending.then(() => {
        done = true;
      });
      clock.advance(1499);
      await flush();
      expect(done).toBe(false);
      clock.advance(1);
      const result = await pending;
      expect(result.ok).toBe(false);
      expect(result.expected).toEqual(["ghost"]);
      expect(result.missing.get("ghost")).toBe("not_connected");
      expect(result.sends).toBe(0);
      expect(tap.published).toHaveLength(0);
      expect(clock.pendingTimers).toBe(0);
      expect(bot.pendingRequests).toBe(0);
    });

    it("a target that joins within the window gets the command as soon as it is reachable", async () => {
      const clock = new FakeClock(0);
      const net = network(clock);
      cleanup = net.stopAll;
      const { system: bot } = await net.add("bot");
      const pending = bot.request("mm1", "ping");
      clock.advance(1000);
      await flush();
      const { system: mm1 } = await net.add("mm1");
      mm1.registerHandler("ping", () => ({ late: true }));
      await net.link(bot, mm1);
      const result = await pending;
      expect(result.ok).toBe(true);
      expect(result.sends).toBe(1);
      expect(result.terminal.get("mm1")?.result).toEqual({ late: true });
      expect(clock.pendingTimers).toBe(0);
    });
  });

  it("many requests in flight at once, to several processes, each correlated with its own reply", async () => {
    const clock = new FakeClock(0);
    const net = network(clock);
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const targets = ["mm1", "mm2", "mm3"];
    for (const id of targets) {
      const { system } = await net.add(id);
      system.registerHandler("work", async (c) => {
        const n = c.payload.n as number;
        for (let i = 0; i < n % 7; i++) await new Promise((r) => setImmediate(r)); // finish out of order
        return { n, by: id };
      });
      await net.link(bot, system);
    }
    const N = 600;
    const pending = Array.from({ length: N }, (_, n) => bot.request(targets[n % 3] as string, "work", { n }));
    expect(bot.pendingRequests).toBe(N);
    const results = await Promise.all(pending);
    results.forEach((r, n) => {
      expect(r.ok).toBe(true);
      expect(r.terminal.get(targets[n % 3] as string)?.result).toEqual({ n, by: targets[n % 3] });
    });
    expect(new Set(results.map((r) => r.command.command_id)).size).toBe(N);
    expect(bot.pendingRequests).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("presence: connected / disconnected events and isReachable follow the peer", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const events: string[] = [];
    bot.on("connected", (id) => events.push(`+${id}`));
    bot.on("disconnected", (id) => events.push(`-${id}`));
    const { system: mm1 } = await net.add("mm1");
    await net.link(bot, mm1);
    expect(bot.presence.ids()).toEqual(["mm1"]);
    expect(bot.isReachable("mm1")).toBe(true);
    await mm1.stop();
    await flush();
    expect(events).toEqual(["+mm1", "-mm1"]);
    expect(bot.isReachable("mm1")).toBe(false);
    expect(bot.presence.ids()).toEqual([]);
  });

  it("replies addressed to another process are not taken as ours", async () => {
    const net = network();
    cleanup = net.stopAll;
    const { system: bot } = await net.add("bot");
    const { system: mm1 } = await net.add("mm1");
    let release!: () => void;
    mm1.registerHandler("slow", () => new Promise((r) => (release = () => r({ real: true }))));
    await net.link(bot, mm1);
    const pending = bot.request("mm1", "slow");
    await flush();
    const forger = await net.raw("forger", []);
    bot.connectToProcess("forger");
    await flush();
    // A reply to our command_id, but addressed to someone else: filtered by topic, never reaches us.
    await forger.t.publish(
      encodeFrame({
        command_id: "forger_1_1",
        sender_id: "mm1",
        target_id: "other",
        command_type: "reply",
        payload: { reply_to: "x", status: "ok" },
        timestamp: 1,
      }),
    );
    await flush();
    expect(bot.pendingRequests).toBe(1);
    release();
    const result = await pending;
    expect(result.terminal.get("mm1")?.result).toEqual({ real: true });
  });
});
