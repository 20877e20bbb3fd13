/**
 * The fake Bot API server as a process of its own, for a bot in another network namespace:
 * it prints `{"root": "http://127.0.0.1:N"}` once listening, then one JSON line per chat change
 * (`{"chatId", "messageId", "text", "edit"}`), and reads JSON lines on stdin:
 * `{"from": 1, "text": "/ping *"}` delivers a text message; `{"press": "Confirm", "from": 1}` presses
 * the newest button with that label.
 */
import { createInterface } from "node:readline";
import { BotApiServer } from "../e2e/bot-api-server.ts";

const server = new BotApiServer(process.argv[2] ?? "123:TEST");
const root = await server.listen();
const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
server.telegram.on("message", (m, kind) => {
  if (m.from === "bot")
    print({ chatId: m.chatId, messageId: m.messageId, text: m.text, edit: kind === "edited" });
});
print({ root });
createInterface({ input: process.stdin }).on("line", (line) => {
  const cmd = JSON.parse(line) as { from: number; text?: string; press?: string };
  if (cmd.text !== undefined) server.push(server.telegram.textUpdate({ userId: cmd.from }, cmd.text));
  if (cmd.press !== undefined) {
    const message = server.telegram
      .botMessages(cmd.from)
      .filter((m) => m.keyboard)
      .at(-1);
    if (message) server.push(server.telegram.pressUpdate(cmd.from, message, cmd.press));
  }
});
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
