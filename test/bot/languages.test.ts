import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/clock.ts";
import { en } from "../../src/i18n/en/index.ts";
import { zh } from "../../src/i18n/zh/index.ts";
import { type BotHarness, createHarness } from "../../src/testing/index.ts";

const EN = 1001; // an operator whose Telegram says nothing of a language
const ZH = 1003; // an operator whose Telegram is in Simplified Chinese
const ZH_VIEWER = 1004; // a viewer in Traditional Chinese: Chinese too
const STRANGER = 999;

let h: BotHarness;
afterEach(() => h?.close());

const chinese = () =>
  createHarness({
    operators: [EN, ZH],
    viewers: [ZH_VIEWER],
    languages: { [ZH]: "zh-hans", [ZH_VIEWER]: "zh-TW" },
  });

describe("replies follow the user's Telegram language", () => {
  it("/help, /status, /ping and errors in Chinese for a Chinese user, in English for the other", async () => {
    h = await chinese();
    await h.addStrategy("mm1");

    await h.send(ZH, "/help");
    const help = await h.waitForMessage(/^missionctl 命令（你是操作员）：/, { chatId: ZH });
    expect(help.text).toContain(`/exit <target…> [--now] — ${zh.help.exit}\n`);
    expect(help.text).toContain(`/status [target] — ${zh.help.status}\n`);
    expect(help.text).toMatch(/作用于多个进程的命令、--now 和 \/send 会先请你确认。$/);
    await h.send(EN, "/help");
    const english = await h.waitForMessage(/^missionctl commands \(you are an operator\):/, { chatId: EN });
    expect(english.text).toContain(`/exit <target…> [--now] — ${en.help.exit}\n`);
    await h.send(ZH_VIEWER, "/help exit");
    await h.waitForMessage(`/exit <target…> [--now]\n${zh.help.exit}（仅限操作员）`, { chatId: ZH_VIEWER });

    await h.send(ZH, "/status");
    await h.waitForMessage(
      /^进程（1）：\nmm1 — up（\w+），心跳于 [\d.]+ (毫秒|秒)前，已连接，未静音\n部署：单机（ipc，目录 .+）。$/,
      {
        chatId: ZH,
      },
    );
    await h.send(EN, "/status");
    await h.waitForMessage(
      /^Processes \(1\):\nmm1 — up \(\w+\), heartbeat .+ ago, connected, not muted\nLayout: one machine/,
      {
        chatId: EN,
      },
    );

    await h.send(ZH, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1：ok，[\d.]+ (毫秒|秒) — \w+$/, { chatId: ZH });
    await h.send(EN, "/ping mm1");
    await h.waitForMessage(/^ping → mm1\nmm1: ok, [\d.]+ m?s — \w+$/, { chatId: EN });

    await h.send(ZH, "/foo");
    await h.waitForMessage("未知命令 /foo。发送 /help 查看命令列表。", { chatId: ZH });
    await h.send(ZH, "/exit");
    await h.waitForMessage("用法：/exit <target…> [--now]\n缺少 target", { chatId: ZH });
    await h.send(ZH, "/mute mm1 5x");
    await h.waitForMessage('用法：/mute <target> <duration>\n"5x" 不是时长：请使用例如 30m、2h、1d', {
      chatId: ZH,
    });
    await h.send(EN, "/mute mm1 5x");
    await h.waitForMessage('Usage: /mute <target> <duration>\n"5x" is not a duration: use e.g. 30m, 2h, 1d', {
      chatId: EN,
    });
    await h.send(ZH_VIEWER, "/exit mm1");
    await h.waitForMessage("/exit 需要操作员（operator）角色；你是观察员（viewer）。", { chatId: ZH_VIEWER });
    await h.send({ userId: STRANGER, languageCode: "zh-hans" }, "/status");
    await h.waitForMessage("无权限。你的 Telegram 用户 id 是 999。", { chatId: STRANGER });
    await h.send(STRANGER, "/status");
    await h.waitForMessage("Not authorized. Your Telegram user id is 999.", { chatId: STRANGER });
  });

  it("the audit keeps English, whatever language the user read", async () => {
    h = await chinese();
    const done: { detail?: string }[] = [];
    h.bus.on("command.done", (e) => done.push(e));
    await h.send(ZH, "/exit");
    await h.waitForMessage(/^用法：/, { chatId: ZH });
    await h.waitUntil(() => done.length === 1, { what: "command.done" });
    expect(done[0]?.detail).toBe("missing target");
  });

  it("a confirmation in Chinese: the question, its buttons, the end; a press answered in the presser's language", async () => {
    h = await chinese();
    await h.addStrategy("mm1");
    await h.send(ZH, "/exit *");
    const question = await h.waitForMessage(/^确认 \/exit \*？/, { chatId: ZH });
    expect(question.text).toBe("确认 /exit *？\n当前已连接：mm1\n只有你可以回答；60 秒后失效。");
    expect(question.keyboard?.inline_keyboard.flat().map((b) => b.text)).toEqual(["确认", "取消"]);
    // Someone else presses: told off in their own language.
    await h.press(EN, "确认", { messageId: question.messageId, chatId: ZH });
    await h.waitForAnswer("Only the person who asked can answer this.");
    await h.press(ZH, "取消");
    await h.waitForAnswer("已取消");
    await h.waitForMessage("/exit *：已取消，未发送任何命令。", { chatId: ZH });

    await h.send(EN, "/exit *");
    const asked = await h.waitForMessage(/^Confirm \/exit \*\?/, { chatId: EN });
    expect(asked.keyboard?.inline_keyboard.flat().map((b) => b.text)).toEqual(["Confirm", "Cancel"]);
    await h.press(ZH, "Confirm", { messageId: asked.messageId, chatId: EN });
    await h.waitForAnswer("只有发起请求的人可以回答。");
    await h.press(EN, "Cancel");
    await h.waitForMessage("/exit *: cancelled, nothing was sent.", { chatId: EN });

    await h.send(ZH, "/send mm1 status");
    await h.waitForMessage(/^确认 \/send mm1 status？\n只有你可以回答；60 秒后失效。$/, { chatId: ZH });
    await h.press(ZH, "确认");
    await h.waitForAnswer("已确认");
    await h.waitForMessage(/^send status → mm1\nmm1：ok，/, { chatId: ZH });
  });

  it("an unanswered question expires in Chinese", async () => {
    const clock = new FakeClock(Date.now());
    h = await createHarness({ operators: [ZH], languages: { [ZH]: "zh" }, clock });
    await h.addStrategy("mm2");
    await h.send(ZH, "/exit mm2 --now");
    await h.waitForMessage(/60 秒后失效/);
    await h.advance(60_000);
    await h.waitForMessage("/exit mm2 --now：60 秒内未确认，未发送任何命令。");
  });

  it("MISSIONCTL_LANG=zh answers users of no or another language in Chinese, English ones in English", async () => {
    h = await createHarness({
      operators: [EN, ZH, 1005],
      env: { MISSIONCTL_LANG: "zh" },
      languages: { [EN]: "en-GB", 1005: "de" },
    });
    await h.send(ZH, "/whoami");
    await h.waitForMessage(/^你是 .+，Telegram 用户 id 1003，角色是操作员（operator）。$/, { chatId: ZH });
    await h.send(1005, "/whoami");
    await h.waitForMessage(/^你是 /, { chatId: 1005 });
    await h.send(EN, "/whoami");
    await h.waitForMessage(/^You are .+, Telegram user id 1001, role operator\.$/, { chatId: EN });
  });
});

describe("the command menu in both languages", () => {
  const menu = (lang: typeof en) => (name: string) => lang.help[name as keyof typeof en.help];

  it("is set once for everyone in MISSIONCTL_LANG (English) and once for Chinese users", async () => {
    h = await createHarness({ operators: [EN] });
    const calls = await h.waitUntil(
      () =>
        h.telegram.callsTo("setMyCommands").length >= 2 ? h.telegram.callsTo("setMyCommands") : undefined,
      { what: "two setMyCommands" },
    );
    expect(calls.map((c) => c.payload.language_code)).toEqual([undefined, "zh"]);
    const names = h.runtime.bot.registry.list.map((c) => c.name);
    expect(h.telegram.commands).toEqual(
      names.map((command) => ({ command, description: menu(en)(command) })),
    );
    expect(h.telegram.menus.get("zh")).toEqual(
      names.map((command) => ({ command, description: menu(zh)(command) })),
    );
  });

  it("with MISSIONCTL_LANG=zh: Chinese for everyone, and an English one for English users", async () => {
    h = await createHarness({ operators: [EN], env: { MISSIONCTL_LANG: "zh" } });
    await h.waitUntil(() => h.telegram.callsTo("setMyCommands").length >= 3, { what: "three setMyCommands" });
    const exit = (list?: { command: string; description: string }[]) =>
      list?.find((c) => c.command === "exit")?.description;
    expect(exit(h.telegram.commands)).toBe(zh.help.exit);
    expect(exit(h.telegram.menus.get("zh"))).toBe(zh.help.exit);
    expect(exit(h.telegram.menus.get("en"))).toBe(en.help.exit);
  });
});

describe("alerts follow MISSIONCTL_LANG", () => {
  it("in Chinese, each alert keeps its English word and names the process", async () => {
    h = await createHarness({
      operators: [EN],
      languages: { [EN]: "en" },
      env: { MISSIONCTL_LANG: "zh" },
      settleMs: 50,
    });
    const mm3 = await h.addStrategy("mm3");
    const mm4 = await h.addStrategy("mm4");
    await mm3.kill();
    // The alert chat is a chat, not a user: the operator's own English does not matter here.
    await h.waitForMessage("🔴 mm3 disconnected（连接断开）：未收到停止通知", { chatId: EN });
    await mm4.crash("boom");
    await h.waitForMessage(/^🔴 mm4 crashed（崩溃）：.*boom/, { chatId: EN });
    await h.send(EN, "/alerts");
    await h.waitForMessage(/^Open incidents \(2\):\nmm3 — disconnected since/, { chatId: EN });
  });
});
