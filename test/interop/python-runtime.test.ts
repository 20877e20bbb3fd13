/**
 * The TypeScript side driving strategies of the Python package (python/missionctl/, run as
 * `python3 -m missionctl.strategy` with PYTHONPATH=<repo>/python) over real ZeroMQ ipc: the built-in
 * command types and their replies, the events, the seen-command cache, and a real `missionctl bot`
 * (against the local Bot API server of test/e2e) alerting when a Python strategy is killed or
 * crashes. Bounds are generous (two busy cores); the assertions are about behaviour, never speed.
 */
import { chmodSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type IpcCommand, IpcCommandSystem, ZmqTransport } from "../../src/ipc/index.ts";
import { BotApiServer } from "../e2e/bot-api-server.ts";
import { type Child, exited, missionctl } from "../e2e/child.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { describePython } from "../python.ts";
import {
  type PyProcess,
  type PyStrategyRun,
  runPython,
  startPyStrategy,
  startPython,
  strategyArgv,
} from "./python-child.ts";

const CRASH_SCRIPT = fileURLToPath(new URL("./py_crash_strategy.py", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runs: PyStrategyRun[] = [];
const dirs: (() => void)[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await run.cleanup();
  for (const cleanup of dirs.splice(0)) cleanup();
});

/** `python3 -m missionctl.strategy id --step-ms 0 ...flags` in a fresh IPC_DIR, driven by cli. */
async function pyStrategy(id: string, ...flags: string[]): Promise<PyStrategyRun> {
  const ipc = tempIpcDir();
  dirs.push(ipc.cleanup);
  const run = await startPyStrategy(id, strategyArgv(id, "--step-ms", "0", ...flags), ipc.dir);
  runs.push(run);
  return run;
}

/** The replies that reached cli for `commandId`, repeats included, in arrival order. */
const repliesTo = (run: PyStrategyRun, commandId: string): IpcCommand[] =>
  run
    .received()
    .filter(
      (c) => c.command_type === "reply" && (c.payload as { reply_to?: unknown }).reply_to === commandId,
    );

describePython("a Python strategy (python -m missionctl.strategy) driven from TypeScript", () => {
  it("answers ping and status, heartbeats, and logs JSON lines on stdout", async () => {
    const run = await pyStrategy("pyrt1", "--interval-ms", "600000", "--heartbeat-ms", "200");
    const before = Date.now();
    const status = await run.statusUntil((s) => s.state === "sleeping");
    expect(status).toMatchObject({
      state: "sleeping",
      step: 1,
      last_step_ms: expect.any(Number),
      uptime_s: expect.any(Number),
      next_step_at: expect.any(Number),
    });
    expect(Number.isInteger(status.uptime_s)).toBe(true);
    expect(status.uptime_s as number).toBeGreaterThanOrEqual(0);
    expect(status.last_step_ms as number).toBeGreaterThanOrEqual(0);
    // Epoch ms of the next step: about ten minutes after the first step ended.
    expect(status.next_step_at as number).toBeGreaterThan(before);
    expect(status.next_step_at as number).toBeLessThanOrEqual(Date.now() + 600_000);

    const ping = await run.send("ping");
    expect(ping.ok).toBe(true);
    expect(ping.terminal.get("pyrt1")).toMatchObject({ status: "ok", result: { state: "sleeping" } });
    // The reply on the wire: a whole IPCCommand to cli, correlated by reply_to.
    const [reply] = repliesTo(run, ping.command.command_id);
    expect(reply).toMatchObject({
      command_id: expect.stringMatching(/^pyrt1_\d+_\d+$/),
      sender_id: "pyrt1",
      target_id: "cli",
      command_type: "reply",
      payload: { reply_to: ping.command.command_id, status: "ok", result: { state: "sleeping" } },
      timestamp: expect.any(Number),
    });

    const afterPing = run.messages.length;
    await pollFor(
      () => run.messages.slice(afterPing).filter((m) => m.command_type === "heartbeat").length >= 2,
      20_000,
      "two heartbeats after the ping",
      run.py.output,
    );
    const beats = run.messages.filter((m) => m.command_type === "heartbeat");
    for (const beat of beats) {
      expect(beat).toMatchObject({ sender_id: "pyrt1", target_id: "*" });
      expect(beat.payload).toMatchObject({
        state: expect.stringMatching(/^(starting|running|sleeping)$/),
        pid: run.py.proc.pid,
        uptime_s: expect.any(Number),
        interval_ms: 200,
        seq: expect.any(Number),
      });
    }
    const seqs = beats.map((b) => b.payload.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(beats.at(-1)?.payload.state).toBe("sleeping");

    const lines = run.py
      .stdout()
      .split("\n")
      .filter((l) => l.trim() !== "");
    expect(lines.length, run.py.output()).toBeGreaterThan(0);
    for (const line of lines) expect(typeof JSON.parse(line), line).toBe("object");
  }, 60_000);

  it("wake during a ten-minute sleep starts the next step at once", async () => {
    const run = await pyStrategy("pyrt2", "--interval-ms", "600000");
    await run.statusUntil((s) => s.state === "sleeping" && s.step === 1);
    const wake = await run.send("wake");
    expect(wake.terminal.get("pyrt2")).toMatchObject({ status: "ok", result: { state: "running" } });
    const status = await run.statusUntil((s) => s.step === 2 && s.state === "sleeping");
    expect(status.next_step_at as number).toBeGreaterThan(Date.now());
  }, 60_000);

  it("finish_and_exit: accepted → stopped → ok {state: stopping, reason, exit_code: 0}, exit 0", async () => {
    const run = await pyStrategy("pyrt3", "--interval-ms", "600000");
    await run.statusUntil((s) => s.state === "sleeping");
    const r = await run.send("finish_and_exit");
    expect(r.ok).toBe(true);
    expect(r.terminal.get("pyrt3")?.result).toMatchObject({
      state: "stopping",
      reason: "finish_and_exit",
      exit_code: 0,
    });
    expect(await run.exit, run.py.output()).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:finish_and_exit:accepted",
      "event:stopped",
      "reply:finish_and_exit:ok",
    ]);
    const stopped = run.messages.find((m) => m.command_type === "stopped");
    expect(stopped).toMatchObject({ sender_id: "pyrt3", target_id: "*" });
    expect(stopped?.payload).toMatchObject({ reason: "finish_and_exit", exit_code: 0 });
  }, 60_000);

  it("exit_now during a ten-minute step: accepted → stopped → ok, exit 0", async () => {
    const run = await pyStrategy("pyrt4", "--step-ms", "600000");
    const running = await run.statusUntil((s) => s.state === "running" && s.step === 1);
    expect(running).toMatchObject({ last_step_ms: null });
    expect(running).not.toHaveProperty("next_step_at"); // only while sleeping
    const r = await run.send("exit_now");
    expect(r.ok).toBe(true);
    expect(r.terminal.get("pyrt4")?.result).toMatchObject({
      state: "stopping",
      reason: "exit_now",
      exit_code: 0,
    });
    expect(await run.exit, run.py.output()).toBe(0);
    expect(run.events.filter((e) => !e.startsWith("exit:"))).toEqual([
      "reply:exit_now:accepted",
      "event:stopped",
      "reply:exit_now:ok",
    ]);
    expect(run.messages.find((m) => m.command_type === "stopped")?.payload).toMatchObject({
      reason: "exit_now",
      exit_code: 0,
    });
  }, 60_000);

  it("finish_and_exit lets a long step run, refuses pause meanwhile; exit_now escalates", async () => {
    const run = await pyStrategy("pyrt5", "--step-ms", "600000");
    await run.statusUntil((s) => s.state === "running" && s.step === 1);
    const finish = run.send("finish_and_exit");
    await pollFor(
      () => run.events.includes("reply:finish_and_exit:accepted"),
      20_000,
      "finish_and_exit accepted",
      run.py.output,
    );
    // The step goes on: still no stopped, and the strategy says it is stopping.
    expect((await run.send("ping")).terminal.get("pyrt5")?.result).toEqual({ state: "stopping" });
    const pause = await run.send("pause");
    expect(pause.terminal.get("pyrt5")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/stopping/),
    });
    expect(run.events).not.toContain("event:stopped");
    const now = await run.send("exit_now");
    expect(now.terminal.get("pyrt5")).toMatchObject({ status: "ok", result: { exit_code: 0 } });
    expect((await finish).terminal.get("pyrt5")).toMatchObject({ status: "ok", result: { exit_code: 0 } });
    expect(await run.exit, run.py.output()).toBe(0);
    expect(run.events.filter((e) => e === "event:stopped")).toHaveLength(1);
  }, 60_000);

  it("pause and resume; wake while paused changes nothing; heartbeats go on while paused", async () => {
    const run = await pyStrategy("pyrt6", "--interval-ms", "600000", "--heartbeat-ms", "200");
    await run.statusUntil((s) => s.state === "sleeping" && s.step === 1);
    const pause = await run.send("pause");
    expect(pause.terminal.get("pyrt6")).toMatchObject({ status: "ok", result: { state: "paused" } });
    const paused = await run.statusUntil((s) => s.state === "paused");
    expect(paused).toMatchObject({ state: "paused", step: 1 });
    expect(paused).not.toHaveProperty("next_step_at");
    const beatsBefore = run.messages.length;
    await pollFor(
      () =>
        run.messages
          .slice(beatsBefore)
          .some((m) => m.command_type === "heartbeat" && m.payload.state === "paused"),
      20_000,
      "a heartbeat saying paused",
      run.py.output,
    );
    const wake = await run.send("wake");
    expect(wake.terminal.get("pyrt6")).toMatchObject({ status: "ok", result: { state: "paused" } });
    const resume = await run.send("resume");
    expect(resume.terminal.get("pyrt6")).toMatchObject({ status: "ok", result: { state: "running" } });
    await run.statusUntil((s) => s.step === 2 && s.state === "sleeping");
  }, 60_000);

  it("an unknown unicast type gets an error naming it; an unknown broadcast gets nothing", async () => {
    const run = await pyStrategy("pyrt7", "--interval-ms", "600000");
    await run.statusUntil((s) => s.state === "sleeping");
    const r = await run.send("frobnicate", { x: 1 });
    expect(r.ok).toBe(false);
    expect(r.terminal.get("pyrt7")).toMatchObject({
      status: "error",
      error: 'unknown command type "frobnicate"',
    });
    // A broadcast of an unknown type is ignored. The strategy reads cli's frames in order on one
    // connection and answers in order, so once the ping after it is answered, any reply would be in.
    const broadcast = await run.cli.sendCommand("*", "frobnicate");
    const ping = await run.send("ping");
    expect(ping.ok).toBe(true);
    expect(repliesTo(run, broadcast.command_id)).toEqual([]);
    expect(run.py.exited()).toBe(false);
  }, 60_000);

  it("a re-sent command_id is answered from the cache and not executed again", async () => {
    const run = await pyStrategy("pyrt8", "--interval-ms", "600000");
    await run.statusUntil((s) => s.state === "sleeping" && s.step === 1);
    const wake = await run.send("wake");
    expect(wake.terminal.get("pyrt8")).toMatchObject({ status: "ok", result: { state: "running" } });
    const wakeId = wake.command.command_id;
    await run.statusUntil((s) => s.step === 2 && s.state === "sleeping");

    // The very bytes cli published for that wake, published again (a requester's re-send).
    const frame = run.tap.published.find(
      (f) => (JSON.parse(f.subarray(64).toString("utf8")) as IpcCommand).command_id === wakeId,
    );
    if (!frame) throw new Error("the wake frame was not published");
    const first = repliesTo(run, wakeId);
    expect(first.length).toBeGreaterThanOrEqual(1);
    await run.tap.publish(frame);
    await pollFor(
      () => repliesTo(run, wakeId).length > first.length,
      20_000,
      "the repeated reply",
      run.py.output,
    );
    // The same reply again (its last reply for that id), not a new execution's.
    const repeat = repliesTo(run, wakeId).at(-1);
    expect(repeat).toEqual(first[0]);
    // Not executed again: no third step. Commands are handled in order, so by the time a status
    // sent after the repeat is answered, a second wake would have ended the sleep.
    await sleep(500);
    const status = await run.statusUntil(() => true);
    expect(status).toMatchObject({ step: 2, state: "sleeping" });
  }, 60_000);

  it("SIGTERM is finish_and_exit: stopped {reason: SIGTERM, exit_code: 0}, exit 0", async () => {
    const run = await pyStrategy("pyrt9", "--interval-ms", "600000");
    await run.statusUntil((s) => s.state === "sleeping");
    run.py.proc.kill("SIGTERM");
    expect(await run.exit, run.py.output()).toBe(0);
    await pollFor(() => run.events.includes("event:stopped"), 10_000, "stopped", run.py.output);
    expect(run.messages.find((m) => m.command_type === "stopped")?.payload).toMatchObject({
      reason: "SIGTERM",
      exit_code: 0,
    });
  }, 60_000);

  it("hears MISSIONCTL_ID and cli by default; --hear replaces both", async () => {
    const ipc = tempIpcDir();
    dirs.push(ipc.cleanup);
    const argv = strategyArgv("pyrt10", "--interval-ms", "600000", "--step-ms", "0");
    const byBot = await startPyStrategy("pyrt10", argv, ipc.dir, { MISSIONCTL_ID: "bot7" }, "bot7");
    runs.push(byBot);
    expect((await byBot.send("ping")).ok).toBe(true);
    const cli = new IpcCommandSystem({
      id: "cli",
      transport: new ZmqTransport({ id: "cli", ipcDir: ipc.dir }),
    });
    await cli.start();
    try {
      cli.connectToProcess("pyrt10");
      const r = await cli.request("pyrt10", "ping", {}, { joinWindowMs: 20_000, timeoutMs: 20_000 });
      expect(r.ok).toBe(true);
    } finally {
      await cli.stop();
    }

    const ipc2 = tempIpcDir();
    dirs.push(ipc2.cleanup);
    const argv2 = strategyArgv("pyrt11", "--interval-ms", "600000", "--step-ms", "0", "--hear", "ops1");
    const byOps = await startPyStrategy("pyrt11", argv2, ipc2.dir, {}, "ops1");
    runs.push(byOps);
    expect((await byOps.send("ping")).ok).toBe(true);
    const cli2 = new IpcCommandSystem({
      id: "cli",
      transport: new ZmqTransport({ id: "cli", ipcDir: ipc2.dir }),
    });
    await cli2.start();
    try {
      cli2.connectToProcess("pyrt11");
      const r = await cli2.request("pyrt11", "ping", {}, { joinWindowMs: 3000, timeoutMs: 5000 });
      expect(r.ok).toBe(false);
      expect(r.missing.get("pyrt11")).toBe("not_connected");
      expect(r.sends).toBe(0);
    } finally {
      await cli2.stop();
    }
  }, 90_000);

  it("an IPC_DIR open to others: exit 2 with one line naming it, nothing bound", async () => {
    const ipc = tempIpcDir();
    dirs.push(ipc.cleanup);
    chmodSync(ipc.dir, 0o755);
    const result = await runPython(strategyArgv("pyunsafe", "--step-ms", "0"), ipc.dir, {}, 30_000);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(ipc.dir);
    expect(existsSync(join(ipc.dir, "command", "pyunsafe.ipc"))).toBe(false);
    expect(statSync(ipc.dir).mode & 0o777).toBe(0o755); // refused, never chmodded
  }, 60_000);

  it("a step that raises: crash {error, during: step} is published, exit non-zero (1)", async () => {
    const ipc = tempIpcDir();
    dirs.push(ipc.cleanup);
    const run = await startPyStrategy("pycrash", [CRASH_SCRIPT, "pycrash"], ipc.dir);
    runs.push(run);
    await run.statusUntil((s) => s.state === "sleeping" && s.step === 1);
    const wake = await run.send("wake");
    expect(wake.terminal.get("pycrash")).toMatchObject({ status: "ok" });
    expect(await run.exit, run.py.output()).toBe(1);
    await pollFor(() => run.events.includes("event:crash"), 10_000, "crash", run.py.output);
    const crash = run.messages.find((m) => m.command_type === "crash");
    expect(crash).toMatchObject({ sender_id: "pycrash", target_id: "*" });
    expect(crash?.payload).toMatchObject({ error: expect.stringContaining("boom"), during: "step" });
    expect(run.events).not.toContain("event:stopped");
  }, 60_000);
});

describePython("a real missionctl bot watching Python strategies", () => {
  const TOKEN = "123456:TEST"; // a fake token in the Bot API's shape
  const OPERATOR = 111;
  // Made in beforeAll, so that a run that filters these tests out leaves no directory behind.
  const ipc = { dir: "", cleanup: () => {} };
  const api = new BotApiServer(TOKEN);
  let bot: Child | undefined;
  let killed: PyProcess | undefined;
  let crashing: PyProcess | undefined;

  const transcript = () =>
    `${api.telegram
      .messages()
      .map((m) => `${m.from}: ${m.text}`)
      .join("\n")}\n--- bot output ---\n${bot?.output.join("").slice(-4000) ?? ""}`;
  const say = (text: string) => api.push(api.telegram.textUpdate({ userId: OPERATOR }, text));
  const botSays = (pattern: RegExp, timeoutMs = 20_000) =>
    pollFor(
      () => api.telegram.botMessages(OPERATOR).find((m) => pattern.test(m.text)),
      timeoutMs,
      `the bot to say ${pattern}`,
      transcript,
    );

  /** /ping id from the chat until it answers ok: the bot hears the strategy and the strategy hears it. */
  async function pingUntilOk(id: string, py: PyProcess): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (py.exited()) throw new Error(`${id} exited:\n${py.output()}`);
      const before = api.telegram.botMessages(OPERATOR).length;
      say(`/ping ${id}`);
      const done = await pollFor(
        () =>
          api.telegram
            .botMessages(OPERATOR)
            .slice(before)
            .find((m) => m.text.startsWith(`ping → ${id}\n${id}: `) && !m.text.endsWith("…")),
        30_000,
        `/ping ${id} to finish`,
        transcript,
      );
      if (done.text.includes(`${id}: ok`)) return;
      if (attempt >= 20) throw new Error(`${id} never answered the bot's ping:\n${transcript()}`);
      await sleep(500);
    }
  }

  beforeAll(async () => {
    Object.assign(ipc, tempIpcDir());
    const apiRoot = await api.listen();
    killed = startPython(strategyArgv("pykill", "--interval-ms", "600000", "--heartbeat-ms", "500"), ipc.dir);
    crashing = startPython([CRASH_SCRIPT, "pycrash"], ipc.dir);
    bot = missionctl(["bot"], {
      MISSIONCTL_IPC_DIR: ipc.dir,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      MISSIONCTL_OPERATORS: String(OPERATOR),
      MISSIONCTL_VIEWERS: "",
      MISSIONCTL_ALERT_CHATS: "",
      MISSIONCTL_PROCESSES: "",
    });
    const started = bot;
    await pollFor(() => api.polls > 0 || exited(started), 45_000, "the bot to poll", transcript);
    expect(exited(started), transcript()).toBe(false);
    await pingUntilOk("pykill", killed);
    await pingUntilOk("pycrash", crashing);
  }, 120_000);

  afterAll(async () => {
    if (bot && !exited(bot)) bot.proc.kill("SIGTERM");
    await bot?.exit;
    await killed?.kill();
    await crashing?.kill();
    await api.close();
    ipc.cleanup();
  }, 30_000);

  it("SIGKILL of a Python strategy: the chat is told it disconnected", async () => {
    const py = killed;
    if (!py) throw new Error("no strategy");
    py.proc.kill("SIGKILL");
    expect((await py.done).signal).toBe("SIGKILL");
    const alert = await botSays(/pykill (disconnected|crashed)/);
    expect(alert.text).toMatch(/^🔴 pykill disconnected/);
  }, 60_000);

  it("a Python strategy whose step raises: the chat is told it crashed, with the error", async () => {
    const py = crashing;
    if (!py) throw new Error("no strategy");
    say("/wake pycrash");
    const alert = await botSays(/pycrash crashed/);
    expect(alert.text).toMatch(/^🔴 pycrash crashed: .*boom/);
    expect((await py.done).code, py.output()).toBe(1);
  }, 60_000);
});
