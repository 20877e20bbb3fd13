import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const OP = 1;

describe("/pause, /resume, /wake, /send", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("pause, resume and wake a single process without confirmation", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/pause mm1");
    await h.waitForMessage(/^pause → mm1\nmm1: ok, .* — paused$/);
    // Resuming starts the next step at once (the runtime's rule), so the reply says running.
    await h.send(OP, "/resume mm1");
    await h.waitForMessage(/^resume → mm1\nmm1: ok, .* — running$/);
    await h.send(OP, "/wake mm1");
    await h.waitForMessage(/^wake → mm1\nmm1: ok, .* — running$/);
    expect(mm1.received.map((c) => c.command_type)).toEqual(["pause", "resume", "wake"]);
  });

  it("pause for a group asks to confirm", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    await h.send(OP, "/pause *");
    await h.waitForMessage(/^Confirm \/pause \*\?\nConnected now: mm1/);
  });

  it("/send always confirms and carries a JSON payload with spaces", async () => {
    h = await createHarness({ operators: [OP] });
    const mm1 = await h.addStrategy("mm1", { set_level: (cmd) => ({ level: cmd.payload.level }) });
    await h.send(OP, '/send mm1 set_level {"level": 2, "note": "a b"}');
    await h.waitForMessage(/^Confirm \/send mm1 set_level/);
    await h.press(OP, "Confirm");
    await h.waitForMessage(/^send set_level → mm1\nmm1: ok, .* — \{"level":2\}$/);
    expect(mm1.received[0]?.payload).toEqual({ level: 2, note: "a b" });
  });

  it("/send reports an unknown command type as the process's error", async () => {
    h = await createHarness({ operators: [OP] });
    await h.addStrategy("mm1");
    await h.send(OP, "/send mm1 nosuch");
    await h.press(OP, "Confirm");
    await h.waitForMessage(/^send nosuch → mm1\nmm1: error — unknown command type "nosuch"$/);
  });

  it("/send validates target, type and payload", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(OP, "/send mm1");
    await h.waitForMessage("Usage: /send <target> <command_type> [json]\nmissing <target> or <command_type>");
    await h.send(OP, "/send mm1 Bad-Type");
    await h.waitForMessage(/is not a command type/);
    await h.send(OP, "/send mm1 ping [1,2]");
    await h.waitForMessage(/the payload must be a JSON object/);
    await h.send(OP, "/send mm1 ping {oops");
    await h.waitForMessage(/the payload is not valid JSON/);
  });
});
