import { Registry } from "prom-client";
import { beforeEach, describe, expect, it } from "vitest";
import type { Outcome } from "../../src/bot/types.ts";
import { FakeClock } from "../../src/clock.ts";
import { LifecycleBus } from "../../src/events.ts";
import { MAX_PENDING_SENDS, registerRoundTrips } from "../../src/metrics/round-trips.ts";
import { Scrape } from "./scrape.ts";

const NAME = "missionctl_command_round_trip_seconds";

describe("command round trips from the lifecycle bus", () => {
  let bus: LifecycleBus;
  let clock: FakeClock;
  let registry: Registry;
  let stop: () => void;
  beforeEach(() => {
    bus = new LifecycleBus();
    clock = new FakeClock(1_000_000);
    registry = new Registry();
    stop = registerRoundTrips(registry, { bus, clock, commands: ["ping", "exit"] });
  });

  const sent = (commandId: string, command = "ping") =>
    bus.emit("command.sent", { userId: 1, chatId: 1, command, commandId, targets: ["mm1"] });
  const done = (commandId: string | undefined, command = "ping", outcome: Outcome = "ok") =>
    bus.emit("command.done", {
      userId: 1,
      chatId: 1,
      command,
      targets: ["mm1"],
      outcome,
      ...(commandId !== undefined ? { commandId } : {}),
    });
  const read = async () => new Scrape(await registry.metrics());

  it("observes the seconds from sent to done, by command and outcome", async () => {
    sent("c1");
    clock.advance(250);
    done("c1");
    sent("c2", "exit");
    clock.advance(3000);
    done("c2", "exit", "timeout");
    const s = await read();
    expect(s.value(`${NAME}_sum`, { command: "ping", outcome: "ok" })).toBe(0.25);
    expect(s.value(`${NAME}_bucket`, { command: "ping", outcome: "ok", le: "0.1" })).toBe(0);
    expect(s.value(`${NAME}_bucket`, { command: "ping", outcome: "ok", le: "0.25" })).toBe(1);
    expect(s.value(`${NAME}_sum`, { command: "exit", outcome: "timeout" })).toBe(3);
    expect(s.value(`${NAME}_count`, { command: "exit", outcome: "timeout" })).toBe(1);
  });

  it("a command with several requests counts once, from its first send", async () => {
    sent("a1", "exit");
    clock.advance(100);
    sent("a2", "exit");
    clock.advance(900);
    done("a1,a2", "exit");
    const s = await read();
    expect(s.value(`${NAME}_count`, { command: "exit", outcome: "ok" })).toBe(1);
    expect(s.value(`${NAME}_sum`, { command: "exit", outcome: "ok" })).toBe(1);
  });

  it("labels stay bounded: an unknown command or outcome is `other`", async () => {
    for (let i = 0; i < 50; i++) {
      sent(`x${i}`, `made-up-${i}`);
      done(`x${i}`, `made-up-${i}`, `weird-${i}` as Outcome);
    }
    const s = await read();
    expect(s.labelValues(`${NAME}_count`, "command")).toEqual(["other"]);
    expect(s.labelValues(`${NAME}_count`, "outcome")).toEqual(["other"]);
    expect(s.value(`${NAME}_count`, { command: "other", outcome: "other" })).toBe(50);
  });

  it("a done without a send (nothing went out, or no id) is no sample", async () => {
    done(undefined);
    done("never-sent");
    expect((await read()).series(`${NAME}_count`)).toEqual([]);
  });

  it("sends that never end are forgotten oldest first past the bound", async () => {
    for (let i = 0; i <= MAX_PENDING_SENDS; i++) sent(`p${i}`);
    done("p0"); // evicted
    done(`p${MAX_PENDING_SENDS}`);
    expect((await read()).value(`${NAME}_count`, { command: "ping", outcome: "ok" })).toBe(1);
  });

  it("stop() unsubscribes from the bus", async () => {
    stop();
    sent("c1");
    done("c1");
    expect((await read()).series(`${NAME}_count`)).toEqual([]);
    expect(bus.listenerCount("command.sent") + bus.listenerCount("command.done")).toBe(0);
  });
});
