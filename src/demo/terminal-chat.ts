import { createInterface } from "node:readline";
import type { BotHandle } from "../bot/create-bot.ts";
import type { ChatMessage, FakeTelegram } from "../testing/fake-telegram.ts";

const INDENT = "      ";

/** How a bot message looks in the terminal: first line after the marker, the rest indented. */
export function renderMessage(message: ChatMessage, kind: "sent" | "edited"): string {
  const marker = kind === "sent" ? "bot ›" : "bot ✎";
  const body = message.text.split("\n").join(`\n${INDENT}`);
  const buttons = message.keyboard?.inline_keyboard
    .flat()
    .map((b) => `[${b.text}]`)
    .join(" ");
  const hint = buttons ? `\n${INDENT}${buttons}  (type the button's word, e.g. "confirm")` : "";
  return `${marker} ${body}${hint}`;
}

/**
 * The terminal in place of Telegram: typed lines become the operator's messages (or button
 * presses), and every message the bot sends or edits is printed.
 *
 * @example
 * const chat = startTerminalChat({ telegram: fake, bot, userId: 1, input: process.stdin, output: process.stdout });
 */
export function startTerminalChat(options: {
  telegram: FakeTelegram;
  bot: BotHandle;
  userId: number;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  onQuit: () => void;
}): { close(): void } {
  const { telegram, bot, userId, output } = options;
  const print = (text: string) => output.write(`${text}\n`);
  const onMessage = (message: ChatMessage, kind: "sent" | "edited") => {
    if (message.from === "bot") print(renderMessage(message, kind));
  };
  telegram.on("message", onMessage);
  const rl = createInterface({ input: options.input, terminal: false });
  rl.on("line", (raw) => {
    const line = raw.trim();
    if (!line) return;
    if (line === "quit" || line === "/quit") return options.onQuit();
    if (line.startsWith("/")) {
      void bot.handleUpdate(telegram.textUpdate({ userId }, line));
      return;
    }
    const target = [...telegram.botMessages()]
      .reverse()
      .find((m) =>
        m.keyboard?.inline_keyboard.flat().some((b) => b.text.toLowerCase() === line.toLowerCase()),
      );
    const label = target?.keyboard?.inline_keyboard
      .flat()
      .find((b) => b.text.toLowerCase() === line.toLowerCase());
    if (target && label) {
      void bot.handleUpdate(telegram.pressUpdate(userId, target, label.text));
      return;
    }
    print(`(commands start with "/", e.g. /help; "quit" or Ctrl-C ends the demo)`);
  });
  let closing = false;
  rl.on("close", () => {
    if (!closing) print("(input closed; Ctrl-C ends the demo)");
  });
  return {
    close() {
      closing = true;
      telegram.off("message", onMessage);
      rl.close();
    },
  };
}
