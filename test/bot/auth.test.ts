import { afterEach, describe, expect, it } from "vitest";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";
import { auditLines, captureLogger } from "./helpers.ts";

const OP = 1;
const VIEWER = 2;
const STRANGER = 777;

describe("auth and audit", () => {
  let h: BotHarness;
  afterEach(() => h?.close());

  it("a stranger gets exactly the one line, nothing reaches the IPC, and the attempt is audited", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP], viewers: [VIEWER], logger });
    const mm1 = await h.addStrategy("mm1");
    for (const text of ["/exit mm1", "/whoami", "/status", "/nosuch"]) await h.send(STRANGER, text);
    await h.idle();
    expect(h.messages(STRANGER).map((m) => m.text)).toEqual(
      Array(4).fill("Not authorized. Your Telegram user id is 777."),
    );
    expect(mm1.received).toEqual([]);
    const audit = auditLines(lines);
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({ user: STRANGER, chat: STRANGER, command: "exit", outcome: "denied" });
  });

  it("a viewer may read but is told which role an operator command needs", async () => {
    h = await createHarness({ operators: [OP], viewers: [VIEWER] });
    const mm1 = await h.addStrategy("mm1");
    await h.send(VIEWER, "/exit mm1");
    await h.waitForMessage("/exit needs the operator role; you are a viewer.", { chatId: VIEWER });
    await h.send(VIEWER, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok, .* — sleeping$/, { chatId: VIEWER });
    expect(mm1.received.map((c) => c.command_type)).toEqual(["ping"]);
  });

  it("writes one audit line per command with user, chat, command, targets, command_id and outcome", async () => {
    const { logger, lines } = captureLogger();
    h = await createHarness({ operators: [OP], logger });
    const mm1 = await h.addStrategy("mm1");
    await h.send(OP, "/ping mm1");
    await h.waitForMessage(/mm1: ok/);
    await h.idle();
    const [line] = auditLines(lines);
    expect(line).toMatchObject({ user: OP, chat: OP, command: "ping", targets: ["mm1"], outcome: "ok" });
    expect(line?.command_id).toBe(mm1.received[0]?.command_id);
  });

  it("ignores plain text and commands for other bots", async () => {
    h = await createHarness({ operators: [OP] });
    await h.send(STRANGER, "hello there");
    await h.send(OP, "/help@SomeOtherBot");
    await h.idle();
    expect(h.messages()).toEqual([]);
  });
});
