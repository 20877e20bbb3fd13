import { describe, expect, it } from "vitest";
import {
  encodeTopic,
  IpcError,
  MemoryHub,
  MemoryTransport,
  type TransportHandlers,
} from "../../src/ipc/index.ts";
import { flush } from "../helpers.ts";

interface Recorded {
  frames: { topic: string; from: string | undefined; frame: Buffer }[];
  subs: { topic: string; subscribed: boolean }[];
  links: { peer: string; up: boolean }[];
}

function recording(t: MemoryTransport): Recorded {
  const rec: Recorded = { frames: [], subs: [], links: [] };
  const handlers: TransportHandlers = {
    frame: (frame, from) =>
      rec.frames.push({ topic: frame.toString("latin1", 0, 64).trimEnd(), from, frame }),
    subscription: (topic, subscribed) => rec.subs.push({ topic, subscribed }),
    peerLink: (peer, up) => rec.links.push({ peer, up }),
  };
  t.setHandlers(handlers);
  return rec;
}

const frameFor = (target: string, type: string, body = "{}") =>
  Buffer.concat([encodeTopic(target, type), Buffer.from(body)]);

describe("MemoryTransport", () => {
  it("delivers by topic prefix, like a SUB socket subscribed to the process's prefixes", async () => {
    const hub = new MemoryHub();
    const bot = new MemoryTransport(hub, "bot");
    const ids = ["mm1", "mm10", "mm2", "mx1", "abc"];
    const rec = new Map<string, Recorded>();
    await bot.start();
    for (const id of ids) {
      const t = new MemoryTransport(hub, id);
      rec.set(id, recording(t));
      await t.start();
      t.connect({ id: "bot" });
    }
    await flush();
    const cases: [string, string[]][] = [
      ["mm1", ["mm1"]],
      ["mm*", ["mm1", "mm10", "mm2"]],
      ["mm1*", ["mm1", "mm10"]],
      ["m*", ["mm1", "mm10", "mm2", "mx1"]],
      ["*", ids],
      ["zz", []],
    ];
    for (const [target, reached] of cases) {
      for (const r of rec.values()) r.frames.length = 0;
      await bot.publish(frameFor(target, "ping"));
      await flush();
      const got = ids.filter((id) => (rec.get(id)?.frames.length ?? 0) > 0);
      expect(got, `target ${target}`).toEqual(reached);
      for (const id of got) expect(rec.get(id)?.frames[0]?.from).toBe("bot");
    }
  });

  it("delivers on the microtask queue, not synchronously, and hands each listener its own copy", async () => {
    const hub = new MemoryHub();
    const a = new MemoryTransport(hub, "a");
    const b = new MemoryTransport(hub, "b");
    const c = new MemoryTransport(hub, "c");
    const rb = recording(b);
    const rc = recording(c);
    await a.start();
    b.connect({ id: "a" });
    c.connect({ id: "a" });
    const frame = frameFor("*", "heartbeat");
    const sent = a.publish(frame);
    expect(rb.frames).toHaveLength(0);
    await sent;
    await flush();
    expect(rb.frames).toHaveLength(1);
    expect(rb.frames[0]?.frame.equals(frame)).toBe(true);
    rb.frames[0]?.frame.fill(0);
    expect(rc.frames[0]?.frame.equals(frame)).toBe(true);
  });

  it("announces subscriptions (presence) and link-up whichever side starts first", async () => {
    const hub = new MemoryHub();
    const pub = new MemoryTransport(hub, "pub");
    const early = new MemoryTransport(hub, "early");
    const late = new MemoryTransport(hub, "late");
    const rp = recording(pub);
    const re = recording(early);
    const rl = recording(late);
    early.connect({ id: "pub" }); // before pub exists
    await flush();
    expect(re.links).toEqual([]);
    await pub.start();
    await flush();
    expect(re.links).toEqual([{ peer: "pub", up: true }]);
    expect(rp.subs.filter((s) => s.subscribed).map((s) => s.topic)).toEqual(early.prefixes);
    late.connect({ id: "pub" }); // after pub started
    await flush();
    expect(rl.links).toEqual([{ peer: "pub", up: true }]);
    expect(rp.subs.map((s) => s.topic)).toContain("late.");
  });

  it("a closed listener unsubscribes from every publisher it heard; a closed publisher takes its links down", async () => {
    const hub = new MemoryHub();
    const pub = new MemoryTransport(hub, "pub");
    const sub = new MemoryTransport(hub, "sub");
    const rp = recording(pub);
    const rs = recording(sub);
    await pub.start();
    await sub.start();
    sub.connect({ id: "pub" });
    pub.connect({ id: "sub" });
    await flush();
    rp.subs.length = 0;
    await sub.close();
    await flush();
    expect(rp.subs).toEqual(sub.prefixes.map((topic) => ({ topic, subscribed: false })));
    expect(rp.links).toContainEqual({ peer: "sub", up: false });
    // The closed transport hears nothing more and refuses to publish.
    await pub.publish(frameFor("sub", "ping"));
    await flush();
    expect(rs.frames).toHaveLength(0);
    await expect(sub.publish(frameFor("pub", "ping"))).rejects.toBeInstanceOf(IpcError);
  });

  it("disconnect stops delivery and unsubscribes; publish before start is refused", async () => {
    const hub = new MemoryHub();
    const pub = new MemoryTransport(hub, "pub");
    const sub = new MemoryTransport(hub, "sub");
    const rp = recording(pub);
    const rs = recording(sub);
    await expect(pub.publish(frameFor("sub", "ping"))).rejects.toMatchObject({ code: "NOT_STARTED" });
    await pub.start();
    sub.connect({ id: "pub" });
    await flush();
    sub.disconnect("pub");
    await flush();
    expect(rp.subs.at(-1)).toEqual({ topic: sub.prefixes.at(-1), subscribed: false });
    await pub.publish(frameFor("sub", "ping"));
    await flush();
    expect(rs.frames).toHaveLength(0);
  });
});
