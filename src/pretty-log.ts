import { Writable } from "node:stream";

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const SKIP = new Set(["level", "time", "pid", "hostname", "msg", "module", "name", "v"]);

/** One pino JSON line as `12:00:01 WARN  ipc: message key=value`, for people at a terminal. */
export function formatLogLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line);
  } catch {
    return line;
  }
  const time = new Date(typeof rec.time === "number" ? rec.time : Date.now()).toTimeString().slice(0, 8);
  const level = (LEVELS[rec.level as number] ?? String(rec.level)).padEnd(5);
  const where = [rec.name, rec.module].filter(Boolean).join("/");
  const extras = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => {
      if (k === "err" && v && typeof v === "object")
        return `err=${(v as { message?: string }).message ?? ""}`;
      return `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`;
    })
    .join(" ");
  return `${time} ${level} ${where ? `${where}: ` : ""}${String(rec.msg ?? "")}${extras ? ` ${extras}` : ""}`;
}

/**
 * A pino destination that writes readable lines: used when stdout is a terminal and in the demo.
 *
 * @example
 * const log = createLogger({}, prettyStream(process.stderr));
 */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  let buffered = "";
  return new Writable({
    write(chunk, _enc, done) {
      buffered += chunk.toString();
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        out.write(`${formatLogLine(buffered.slice(0, nl))}\n`);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
      done();
    },
  });
}
