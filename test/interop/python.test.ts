import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import {
  encodeFrame,
  encodeTopic,
  type IpcCommand,
  IpcCommandSystem,
  ZmqTransport,
} from "../../src/ipc/index.ts";
import { TapTransport, tempIpcDir, until } from "../helpers.ts";
import { describePython, PYTHON } from "../python.ts";

const peerScript = fileURLToPath(new URL("./peer.py", import.meta.url));

type PeerEvent = { event: string; [key: string]: unknown };

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describePython("interop with a Python process (pyzmq), written from docs/protocol.md", () => {
  it("exchanges commands and replies both ways, with the exact bytes on the wire", async () => {
    const tmp = tempIpcDir();
    cleanups.push(tmp.cleanup);
    const ipcDir = join(tmp.dir, "ipc");

    const tap = new TapTransport(new ZmqTransport({ id: "tsbot", ipcDir }));
    const ts = new IpcCommandSystem({ id: "tsbot", transport: tap });
    const echoed: IpcCommand[] = [];
    ts.registerHandler("echo", (c) => {
      echoed.push(c);
      return { echo: c.payload, from: c.sender_id };
    });
    await ts.start();
    cleanups.push(() => ts.stop());
    ts.connectToProcess("py1");

    const payload = { n: 42, text: "héllo ✓ 日本", nested: { list: [1, 2.5, null, true] } };
    const py = spawn(PYTHON, [peerScript, ipcDir, "py1", "tsbot", JSON.stringify(payload)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    cleanups.push(() => {
      if (py.exitCode === null && py.signalCode === null) py.kill("SIGKILL");
    });
    let stderr = "";
    py.stderr.on("data", (d) => {
      stderr += d;
    });
    const events: PeerEvent[] = [];
    createInterface({ input: py.stdout }).on("line", (line) => events.push(JSON.parse(line) as PeerEvent));
    const exited = new Promise<number | null>((resolve) => py.on("exit", (code) => resolve(code)));
    const find = (name: string) => events.find((e) => e.event === name);
    /** A string field of the peer's `name` event; throws naming what is missing. */
    const field = (name: string, key: string): string => {
      const value = find(name)?.[key];
      if (typeof value !== "string")
        throw new Error(`python event ${name}.${key} missing: ${JSON.stringify(events)}`);
      return value;
    };

    await until(() => find("ready") !== undefined || py.exitCode !== null, 10_000, "python peer ready");
    expect(find("ready"), stderr).toBeDefined();

    // TypeScript → Python: the request resolves ok with Python's reply.
    const result = await ts.request("py1", "ping", payload, { joinWindowMs: 10_000, timeoutMs: 20_000 });
    expect(result.ok, JSON.stringify(events)).toBe(true);
    expect(result.terminal.get("py1")?.result).toEqual({ python: true, echo: payload });

    // Both directions are done once Python has checked our reply; then it may go.
    await until(() => find("reply_ok") !== undefined || py.exitCode !== null, 20_000, "python got its reply");
    py.stdin.end("exit\n");
    const code = await exited;
    expect({ code, stderr, fail: find("fail") }).toEqual({ code: 0, stderr: "", fail: undefined });

    // Bytes Python received from us are exactly what we encoded: 64-byte padded topic + JSON.
    const served = { frame_hex: field("served", "frame_hex"), reply_hex: field("served", "reply_hex") };
    const ours = encodeFrame(result.command);
    expect(served.frame_hex).toBe(ours.toString("hex"));
    expect(Buffer.from(served.frame_hex, "hex").subarray(0, 64).toString("latin1")).toBe(
      "py1.ping".padEnd(64, " "),
    );

    // Bytes we received from Python, raw: its command, and its reply to ours.
    const fromPy = tap.received.filter((r) => r.peer === "py1").map((r) => r.frame);
    const sent = { frame_hex: field("sent", "frame_hex"), command_id: field("sent", "command_id") };
    const pyCommand = fromPy.find((f) => f.toString("hex") === sent.frame_hex);
    expect(pyCommand, "Python's command arrived byte for byte").toBeDefined();
    expect(pyCommand?.subarray(0, 64).equals(encodeTopic("tsbot", "echo"))).toBe(true);
    expect(pyCommand?.subarray(0, 64).toString("latin1")).toBe("tsbot.echo".padEnd(64, " "));
    const pyReply = fromPy.find((f) => f.toString("hex") === served.reply_hex);
    expect(pyReply?.subarray(0, 64).toString("latin1")).toBe("tsbot.reply".padEnd(64, " "));
    expect(JSON.parse(pyReply?.subarray(64).toString("utf8") ?? "null")).toMatchObject({
      sender_id: "py1",
      target_id: "tsbot",
      command_type: "reply",
      payload: { reply_to: result.command.command_id, status: "ok" },
    });

    // Python → TypeScript: our handler ran once (however often Python re-sent), and Python checked
    // our reply; the bytes it got are a frame we published.
    expect(echoed).toHaveLength(1);
    expect(echoed[0]).toMatchObject({ command_id: sent.command_id, sender_id: "py1", payload });
    const replyOk = { frame_hex: field("reply_ok", "frame_hex") };
    expect(tap.published.some((f) => f.toString("hex") === replyOk.frame_hex)).toBe(true);
    const ourReply = Buffer.from(replyOk.frame_hex, "hex");
    expect(ourReply.subarray(0, 64).toString("latin1")).toBe("py1.reply".padEnd(64, " "));
    expect(ts.drops.total).toBe(0);
  });
});
