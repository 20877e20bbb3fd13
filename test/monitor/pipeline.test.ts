/**
 * Monitor → bus → notifier → the testing harness's FakeTelegram (real TelegramError objects), all on
 * one FakeClock: a Bot API outage (a 429, then 500s for minutes) while incidents happen delays the
 * alerts but every one of them arrives once, in every alert chat: the urgent ones first, each
 * process's lines in their order, what piled up grouped into few messages.
 */
import { afterEach, expect, it } from "vitest";
import { createAlertNotifier } from "../../src/monitor/index.ts";
import { FakeTelegram } from "../../src/testing/fake-telegram.ts";
import { flush } from "../helpers.ts";
import { type MonitorHarness, monitorHarness } from "./harness.ts";

let h: MonitorHarness;
afterEach(async () => {
  await h.close();
});

it("a Telegram outage of minutes delays alerts but loses none, urgent first, each process in order", async () => {
  h = await monitorHarness();
  const tg = new FakeTelegram();
  const notifier = createAlertNotifier({
    bus: h.bus,
    chats: [100, 200],
    clock: h.clock,
    send: (chatId, text, o) =>
      tg.callApi("sendMessage", {
        chat_id: chatId,
        text,
        ...(o?.silent ? { disable_notification: true } : {}),
      }),
  });
  tg.failNext(1, { code: 429, retryAfter: 2 }, ["sendMessage"]);
  tg.failNext(15, { code: 500 }, ["sendMessage"]);
  h.monitor.start();
  for (const id of ["mm1", "mm2", "mm3"]) {
    await h.launch(id);
    await h.beat(id);
  }
  await h.kill("mm1"); // disconnected
  await h.advance(300);
  await h.publish("mm2", "crash", { error: "Error: boom" }); // crashed
  await h.kill("mm2");
  await h.advance(5000);
  await h.beat("mm3");
  await h.advance(15_000); // mm3 silent
  await h.launch("mm1"); // resolved
  await h.beat("mm3"); // resolved
  await h.publish("mm3", "stopped", { reason: "finish_and_exit", exit_code: 0 }); // info
  await h.kill("mm3");
  await h.advance(1000);
  expect(h.lines.map((l) => l.type)).toEqual([
    "alert",
    "alert",
    "alert",
    "alert.resolved",
    "alert.resolved",
    "info",
  ]);
  expect(notifier.queueLength()).toBeGreaterThan(0); // still in the outage
  for (let i = 0; i < 10 * 60 && notifier.queueLength() > 0; i++) {
    h.clock.advance(1000);
    await flush();
  }
  await notifier.idle();
  const expected = h.texts();
  const messages = [
    // Retried together: mm2's crash joined mm1's disconnect while the outage held it back.
    "🔴 mm1 disconnected (no stopped notice)\n🔴 mm2 crashed: Error: boom",
    // mm1's resolved notice moved up with its later silent alert, never past it.
    "🟡 mm3 silent: no heartbeat for 15 s\n🟢 mm1 resolved: connected again\n🟡 mm1 silent: no heartbeat for 35 s",
    "🟢 mm3 resolved: heartbeats are back",
    "⚪ mm3 stopped as planned (finish_and_exit, exit code 0)",
  ];
  expect(messages.flatMap((m) => m.split("\n")).sort()).toEqual([...expected].sort());
  for (const chat of [100, 200]) {
    expect(tg.botMessages(chat).map((m) => m.text)).toEqual(messages);
  }
  const sends = tg.callsTo("sendMessage");
  expect(sends.filter((c) => c.failedWith === "429")).toHaveLength(1);
  expect(sends.filter((c) => c.failedWith === "500")).toHaveLength(15);
  expect(sends.filter((c) => !c.failedWith)).toHaveLength(messages.length * 2);
  const quiet = sends.filter((c) => !c.failedWith && c.payload.disable_notification === true);
  expect(quiet.map((c) => c.payload.text)).toEqual([
    "⚪ mm3 stopped as planned (finish_and_exit, exit code 0)",
    "⚪ mm3 stopped as planned (finish_and_exit, exit code 0)",
  ]);
  notifier.stop();
});
