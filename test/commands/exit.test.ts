import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { FakeMonitor } from "../bot/helpers.ts";

const OP = 1;

describe("/exit", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("plain /exit mm1 goes straight through and shows accepted then ok", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/exit mm1");
    const msg = await h.waitForMessage(/mm1: ok/);
    expect(msg.history[0]).toMatch(/^exit → mm1 …/);
    expect(msg.text).toMatch(/^exit → mm1\nmm1: ok, .* — exited after finishing its step$/);
    expect(mm1.received.map((c) => c.command_type)).toEqual(["finish_and_exit"]);
    expect(h.telegram.answers).toHaveLength(0);
  });

  it("tells the monitor the exit is planned before sending (expanding groups)", async () => {
    const monitor = new FakeMonitor();
    h = await createHarness({ operators: [OP], monitor });
    const mm1 = await h.addStrategy("mm1");
    // What the monitor had been told when the command reached mm1: it must be told first.
    const expectedOnArrival: string[][][] = [];
    mm1.on("command", () => expectedOnArrival.push([...monitor.expected]));
    await h.addStrategy("mm2");
    await h.addStrategy("xx");
    await h.send(OP, "/exit mm*");
    await h.press(OP, "Confirm");
    await h.waitForMessage(/^exit → mm\*\nmm1: ok.*\nmm2: ok/);
    expect(mm1.received).toHaveLength(1);
    expect(expectedOnArrival).toEqual([[["mm1", "mm2"]]]);
  });

  it("withdraws the planned-exit notice for a process that refused or was never reached", async () => {
    const monitor = new FakeMonitor();
    h = await createHarness({ operators: [OP], monitor, replyTimeoutMs: 500 });
    await h.addStrategy("mm1");
    await h.addStrategy("mm2", {
      finish_and_exit: () => {
        throw new Error("positions still open");
      },
    });
    await h.send(OP, "/exit mm1 mm2");
    await h.press(OP, "Confirm");
    await h.waitForMessage(/^exit → mm1, mm2\nmm1: ok.*\nmm2: error — positions still open$/);
    await h.idle();
    expect(monitor.expected).toEqual([["mm1", "mm2"]]);
    expect(monitor.cancelled).toEqual([["mm2"]]);
  });

  it("a process that refused to exit and then dies raises a real alert", async () => {
    h = await createHarness({ operators: [OP], settleMs: 20 });
    const mm2 = await h.addStrategy("mm2", {
      finish_and_exit: () => {
        throw new Error("positions still open");
      },
    });
    await h.send(OP, "/exit mm2");
    await h.waitForMessage(/mm2: error — positions still open/);
    await mm2.kill();
    await h.waitForMessage(/mm2 disconnected/);
  });

  it("--now asks to confirm and sends exit_now", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/exit@missionctl_test_bot mm1 --now");
    await h.waitForMessage(/^Confirm \/exit mm1 --now\?/);
    await h.press(OP, "Confirm");
    await h.waitForMessage(/^exit --now → mm1\nmm1: ok, .* — exited, step aborted$/);
    expect(mm1.received.map((c) => c.command_type)).toEqual(["exit_now"]);
  });

  it("validation failures reply with the usage and what was wrong", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/exit");
    await h.waitForMessage("Usage: /exit <target…> [--now]\nmissing target");
    await h.send(OP, "/exit mm.1 --later");
    const m = await h.waitForMessage(/^Usage: \/exit <target…> \[--now\]\n.*not a target/);
    expect(m.text).toContain("unknown option --later");
  });
});
