/**
 * The alert queue under a storm (issue 10, part 5): urgent lines first, lines that gather within the
 * group window as one message, a flood folded into a few messages of at most 4096 characters.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import { composeBatch, type Outgoing } from "../../src/monitor/batch.ts";
import { createAlertNotifier } from "../../src/monitor/index.ts";
import { flush } from "../helpers.ts";

interface Sent {
  text: string;
  silent: boolean;
  at: number;
}

function setup(fail: (attempt: number, now: number) => unknown = () => undefined) {
  const clock = new FakeClock(0);
  const bus = new LifecycleBus();
  const sent: Sent[] = [];
  let attempts = 0;
  const send = async (_chat: number, text: string, o?: { silent?: boolean }) => {
    attempts++;
    const err = fail(attempts, clock.now());
    if (err) throw err;
    sent.push({ text, silent: o?.silent === true, at: clock.now() });
  };
  const notifier = createAlertNotifier({ bus, chats: [1], send, clock });
  cleanup = notifier.stop;
  const alert = (id: string, kind: "crashed" | "disconnected" | "silent", detail = "") =>
    bus.emit("alert", { processId: id, kind, text: `${id} ${kind}${detail}`, repeat: false });
  const resolved = (id: string) =>
    bus.emit("alert.resolved", { processId: id, kind: "silent", text: `${id} resolved` });
  const info = (id: string) => bus.emit("info", { processId: id, text: `${id} info` });
  const drive = async (ms: number, step = 100) => {
    await flush();
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await flush();
    }
  };
  return { clock, bus, sent, notifier, alert, resolved, info, drive };
}

const tooMany = (after: number) => ({
  message: "429: Too Many Requests",
  response: { error_code: 429, description: "Too Many Requests", parameters: { retry_after: after } },
});

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe("grouping", () => {
  it("sends the first urgent alert at once and the ones that follow within the window as one message", async () => {
    const s = setup();
    for (let i = 1; i <= 5; i++) s.alert(`mm${i}`, "disconnected");
    await s.drive(2000);
    expect(s.sent).toEqual([
      { text: "mm1 disconnected", silent: false, at: 0 },
      {
        text: "mm2 disconnected\nmm3 disconnected\nmm4 disconnected\nmm5 disconnected",
        silent: false,
        at: 500,
      },
    ]);
  });

  it("waits a window for company before a non-urgent message, and info lines stay quiet", async () => {
    const s = setup();
    s.alert("a", "silent");
    await s.drive(200);
    s.alert("b", "silent");
    s.info("c");
    s.info("d");
    await s.drive(3000);
    expect(s.sent).toEqual([
      { text: "a silent\nb silent", silent: false, at: 500 },
      // The previous message carried two lines: a storm may be on, so the next one waits longer.
      { text: "c info\nd info", silent: true, at: 1500 },
    ]);
  });

  it("folds a flood of 1,000 silent alerts into one message under Telegram's limit, naming the rest", async () => {
    const s = setup();
    for (let i = 0; i < 1000; i++)
      s.alert(`p${String(i).padStart(4, "0")}`, "silent", ": no heartbeat for 15 s");
    await s.drive(2000);
    expect(s.sent).toHaveLength(1);
    const text = s.sent[0]?.text ?? "";
    expect(text.length).toBeLessThanOrEqual(4096);
    const lines = text.split("\n");
    expect(lines.slice(0, 20)).toEqual(
      Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(4, "0")} silent: no heartbeat for 15 s`),
    );
    expect(lines[20]).toMatch(
      /^🟡 and 980 more \(980 silent\): p0020, p0021, .*, … — \/alerts lists open incidents$/,
    );
    expect(s.notifier.queueLength()).toBe(0);
  });
});

describe("priority", () => {
  it("crashed and disconnected leave before silent, resolved and info lines queued earlier", async () => {
    // The Bot API rate-limits the first attempt: everything piles up behind it for 30 s.
    const s = setup((attempt) => (attempt === 1 ? tooMany(30) : undefined));
    s.alert("q1", "silent");
    s.info("q2");
    s.resolved("q3");
    await s.drive(1000); // q1's message is tried, refused with retry_after 30 s
    for (let i = 4; i < 50; i++) s.alert(`q${i}`, "silent");
    s.alert("mm1", "crashed");
    s.alert("mm2", "disconnected");
    await s.drive(60_000, 500);
    expect(s.sent.map((m) => m.text.split("\n")[0])).toEqual([
      "mm1 crashed",
      "q1 silent",
      "q3 resolved",
      "q2 info",
    ]);
    expect(s.sent[0]).toEqual({ text: "mm1 crashed\nmm2 disconnected", silent: false, at: 30_500 });
    expect(s.sent[1]?.text.split("\n")).toHaveLength(21); // 20 silent lines and the folded rest
  });

  it("never lets a line overtake an earlier line about the same process", async () => {
    const s = setup((attempt) => (attempt === 1 ? tooMany(5) : undefined));
    s.alert("x", "disconnected"); // tried at once, rate-limited
    await s.drive(100);
    s.alert("mm1", "silent");
    s.resolved("mm1");
    s.alert("mm1", "crashed"); // more urgent: mm1's earlier lines move up with it, in order
    await s.drive(20_000, 500);
    expect(s.sent.map((m) => m.text)).toEqual(["x disconnected\nmm1 silent\nmm1 resolved\nmm1 crashed"]);
  });
});

it("composeBatch keeps a single line as it is and refuses nothing", () => {
  const item = (id: string): Outgoing => ({
    kind: "alert",
    alertKind: "crashed",
    processId: id,
    text: `🔴 ${id} crashed: Error: boom`,
    enqueuedAt: 0,
    urgency: 0,
    seq: 1,
  });
  expect(composeBatch([item("mm1")])).toBe("🔴 mm1 crashed: Error: boom");
  expect(composeBatch([item("mm1"), item("mm2")])).toBe(
    "🔴 mm1 crashed: Error: boom\n🔴 mm2 crashed: Error: boom",
  );
  expect(composeBatch([])).toBe("");
});

it("refuses a negative group window with a typed error", () => {
  const bus = new LifecycleBus();
  expect(() => createAlertNotifier({ bus, chats: [1], send: async () => {}, groupWindowMs: -1 })).toThrow(
    expect.objectContaining({ code: "INVALID_OPTION" }),
  );
});
