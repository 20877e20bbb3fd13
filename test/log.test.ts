/**
 * The process logger: readable lines (pino-pretty) on a terminal and in the demo, pino JSON
 * otherwise; the token redacted either way; pino-pretty loaded only once a readable line is due.
 */
import { execFile } from "node:child_process";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createLogger, createProcessLogger, prettyDestination } from "../src/log.ts";

/** A stream that keeps what it is given; `isTTY` as asked. */
function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

describe("prettyDestination (pino-pretty, one line per record)", () => {
  it("shows the time, level, name/module, message and the other fields on one line", () => {
    const out = capture(true);
    const log = createLogger({ name: "missionctl" }, prettyDestination(out.stream)).child({ module: "ipc" });
    log.warn({ cmd: "exit", n: 3 }, "sent");
    expect(out.text()).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: missionctl\/ipc: sent \{"cmd":"exit","n":3\}\n$/);
  });

  it("shows an error as its message, not its stack, and no pid or hostname", () => {
    const out = capture(true);
    createLogger({}, prettyDestination(out.stream))
      .child({ module: "bot" })
      .error({ err: new Error("boom") }, "failed");
    expect(out.text()).toMatch(/ ERROR: bot: failed \{"err":"boom"\}\n$/);
    expect(out.text()).not.toMatch(/at |pid|hostname/);
  });

  it("keeps redaction: the token never reaches the terminal", () => {
    const out = capture(true);
    createLogger({}, prettyDestination(out.stream)).info(
      { config: { TELEGRAM_BOT_TOKEN: "123:SECRET" }, token: "123:SECRET" },
      "start",
    );
    expect(out.text()).toContain("[redacted]");
    expect(out.text()).not.toContain("SECRET");
  });

  it("colours only on a terminal that takes them (its hasColors)", () => {
    const plain = capture(true);
    createLogger({}, prettyDestination(plain.stream)).info("plain");
    expect(plain.text()).not.toContain("\x1b[");
    const coloured = capture(true);
    coloured.stream.hasColors = () => true;
    createLogger({}, prettyDestination(coloured.stream)).info("coloured");
    expect(coloured.text()).toContain("\x1b[");
  });
});

describe("createProcessLogger", () => {
  it("a terminal gets readable lines", () => {
    const out = capture(true);
    createProcessLogger({ name: "missionctl" }, out.stream).info("up");
    expect(out.text()).toMatch(/ INFO: missionctl: up\n$/);
  });

  it("anything else gets pino JSON, redacted", () => {
    const out = capture(false);
    createProcessLogger({ name: "missionctl" }, out.stream).info({ token: "123:SECRET" }, "up");
    const record = JSON.parse(out.text());
    expect(record).toMatchObject({ level: 30, name: "missionctl", msg: "up", token: "[redacted]" });
  });

  it("pino-pretty is loaded at the first readable line, never for JSON", async () => {
    const script = `
      import { createRequire } from "node:module";
      const { createProcessLogger, prettyDestination } = await import("./src/log.ts");
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/pino-pretty/"));
      const seen = [];
      createProcessLogger({}, process.stderr).info("json"); // stderr is a pipe here
      seen.push(loaded());
      const destination = prettyDestination({ write() {} });
      seen.push(loaded());
      destination.write(JSON.stringify({ level: 30, time: 0, msg: "x" }) + "\\n");
      seen.push(loaded());
      console.log(JSON.stringify(seen));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: process.cwd() },
    );
    expect(JSON.parse(stdout)).toEqual([false, false, true]);
  });
});
