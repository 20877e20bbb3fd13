import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;
const VIEWER = 2;

describe("read-only commands", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("/help is generated from the registry and marks operator commands for viewers", async () => {
    h = await createHarness({ operators: [OP], viewers: [VIEWER] });
    await h.send(VIEWER, "/help");
    const help = await h.waitForMessage(/^missionctl commands \(you are a viewer\):/);
    for (const def of h.runtime.bot.registry.list)
      expect(help.text).toContain(`${def.usage} — ${def.help.en}`);
    expect(help.text).toContain(
      "/exit <target…> [--now] — Stop processes after their current step (--now: abort the step) (operator)",
    );
    await h.send(VIEWER, "/help exit");
    await h.waitForMessage(/^\/exit <target…> \[--now\]\nStop processes/);
  });

  it("/whoami shows the id and role", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send({ userId: OP, username: "ann" }, "/whoami");
    await h.waitForMessage("You are @ann, Telegram user id 1, role operator.");
  });

  it("/ping shows the state each process reports", async () => {
    h = await createHarness({ viewers: [VIEWER] });
    // A step that runs until exit_now aborts it: the strategy is busy.
    await h.addStrategy("mm1", {}, { step: (ctx) => ctx.delay(Number.POSITIVE_INFINITY) });
    await h.send(VIEWER, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok, .* — running$/);
    await h.send(VIEWER, "/ping mm1 mm2");
    await h.waitForMessage("Usage: /ping <target>\ntoo many arguments: mm2");
  });

  it("/status lists every known process; with a target it also asks the process", async () => {
    h = await createHarness({ operators: [OP] });
    // The heartbeat sent at start says "starting"; the next one (after the first step) says sleeping.
    const mm1 = await h.addStrategy("mm1", {}, { heartbeatMs: 20 });
    await h.addStrategy("mm2");
    await h.waitUntil(() => h.monitor.processes().find((p) => p.id === "mm1")?.strategyState === "sleeping", {
      what: "a heartbeat of mm1 saying sleeping",
    });
    await h.send(OP, "/status");
    const all = await h.waitForMessage(/^Processes \(2\):/);
    expect(all.text).toMatch(/\nmm1 — up \(sleeping\), heartbeat [\d.]+ m?s ago, connected, not muted/);
    expect(all.text).toMatch(/\nmm2 — .*, connected, not muted/);
    await h.send(OP, "/status mm1");
    const one = await h.waitForMessage(
      /^mm1 — .*\n\nstatus → mm1\nmm1: ok, .* — sleeping, step 1, last step \d+ ms, up \d+ ms, next step in .+$/,
    );
    expect(one.text).not.toContain("mm2");
    expect(mm1.received.map((c) => c.command_type)).toEqual(["status"]);
  });

  it("/status with nothing known says so", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/status");
    await h.waitForMessage("No processes known yet.");
  });
});
