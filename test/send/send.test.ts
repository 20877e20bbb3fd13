/**
 * `missionctl send` (README, command line) end to end: real `missionctl strategy` children and real `send`
 * processes over ZeroMQ ipc in a temp MISSIONCTL_IPC_DIR. Bounds are generous (a busy 2-core
 * machine starts tsx slowly); the assertions are about behaviour, never speed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IpcCommand } from "../../src/ipc/index.ts";
import { SEND_USAGE } from "../../src/send/main.ts";
import { type CliResult, type CliRun, lines, runCli, startCli } from "../cli/run-cli.ts";
import { tempIpcDir, until } from "../helpers.ts";

interface ReplyPayload {
  reply_to: string;
  status: "accepted" | "ok" | "error";
  result?: Record<string, unknown>;
  error?: string;
}
type Reply = IpcCommand & { payload: ReplyPayload };

/** Every stdout line must be a whole IPCCommand reply in JSON: nothing else goes to stdout. */
function replies(result: CliResult): Reply[] {
  return lines(result.stdout).map((line) => {
    const reply = JSON.parse(line) as Reply;
    expect(reply).toMatchObject({
      command_id: expect.any(String),
      sender_id: expect.any(String),
      target_id: expect.any(String),
      command_type: "reply",
      timestamp: expect.any(Number),
      payload: { reply_to: expect.any(String), status: expect.stringMatching(/^(accepted|ok|error)$/) },
    });
    return reply;
  });
}

/** The reply_to of every line: one command, the first `as` sent (`{as}_{timestamp_us}_1`). */
function expectOneCommand(rs: Reply[], as = "cli"): string {
  const ids = new Set(rs.map((r) => r.payload.reply_to));
  expect(ids.size).toBe(1);
  const [id] = ids;
  expect(id).toMatch(new RegExp(`^${as}_\\d+_1$`));
  for (const r of rs) expect(r.target_id).toBe(as);
  return id as string;
}

describe("missionctl send (real processes over ipc)", () => {
  const { dir, cleanup } = tempIpcDir();
  const env = { MISSIONCTL_IPC_DIR: dir };
  const strategies = new Map<string, CliRun>();

  /** Starts `missionctl strategy <id>` (hearing the default chatops,cli) and waits for its socket. */
  async function startStrategy(id: string): Promise<CliRun> {
    const run = startCli(["strategy", id, "--interval-ms", "600000", "--step-ms", "0"], env);
    strategies.set(id, run);
    await until(
      () => run.stdout().includes('"msg":"strategy started"') || run.child.exitCode !== null,
      45_000,
      `${id} started`,
    );
    expect(run.child.exitCode).toBeNull();
    expect(existsSync(join(dir, "command", `${id}.ipc`))).toBe(true);
    return run;
  }

  beforeAll(async () => {
    await Promise.all([startStrategy("mm1"), startStrategy("mm2")]);
  }, 60_000);

  afterAll(async () => {
    for (const run of strategies.values()) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
      await run.done;
    }
    cleanup();
  });

  it("send mm1 ping: one JSON line per reply, for the sent command, status ok, exit 0", async () => {
    const result = await runCli(["send", "mm1", "ping"], env);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expect(rs.length).toBeGreaterThanOrEqual(1);
    expectOneCommand(rs);
    const terminal = rs.filter((r) => r.payload.status !== "accepted");
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({ sender_id: "mm1", payload: { status: "ok" } });
  });

  it("a payload object is passed on, and --as sends as another id the strategy hears", async () => {
    const result = await runCli(["send", "mm1", "status", '{"verbose": true}', "--as", "chatops"], env);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs, "chatops");
    expect(rs.at(-1)).toMatchObject({
      sender_id: "mm1",
      payload: { status: "ok", result: { state: "sleeping" } },
    });
  });

  it("send mm1 no_such_type: the error reply is printed, exit 1", async () => {
    const result = await runCli(["send", "mm1", "no_such_type"], env);
    expect(result.code, result.stderr).toBe(1);
    const rs = replies(result);
    expectOneCommand(rs);
    expect(rs.at(-1)).toMatchObject({
      sender_id: "mm1",
      payload: { status: "error", error: expect.stringContaining("no_such_type") },
    });
  });

  it("send ghost ping --timeout 2000: not connected, nothing on stdout, exit 1", async () => {
    const result = await runCli(["send", "ghost", "ping", "--timeout", "2000"], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/ghost: not connected/);
  });

  it("send 'mm*' status: a reply from each mm process, exit 0", async () => {
    const result = await runCli(["send", "mm*", "status"], env);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs);
    const terminal = rs.filter((r) => r.payload.status !== "accepted");
    expect(terminal.map((r) => r.sender_id).sort()).toEqual(["mm1", "mm2"]);
    for (const r of terminal)
      expect(r.payload).toMatchObject({ status: "ok", result: { state: "sleeping" } });
  });

  it("send '*' ping: every process answers; the sender's own (left-over) socket is no peer", async () => {
    const result = await runCli(["send", "*", "ping"], env);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs);
    const terminal = rs.filter((r) => r.payload.status !== "accepted");
    expect(terminal.map((r) => r.sender_id).sort()).toEqual(["mm1", "mm2"]);
    expect(result.stderr).not.toMatch(/cli: /);
  });

  it("a group target that matches no process: exit 1 with a message", async () => {
    const result = await runCli(["send", "zz*", "ping", "--timeout", "3000"], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/no process matches zz\*/);
  });

  it("logs only to stderr: with LOG_LEVEL=debug stdout still holds only the reply lines", async () => {
    const result = await runCli(["send", "mm2", "ping"], { ...env, LOG_LEVEL: "debug" });
    expect(result.code, result.stderr).toBe(0);
    expect(replies(result).length).toBeGreaterThanOrEqual(1);
    // The debug logs exist, and they went to stderr as pino JSON lines.
    const logLines = lines(result.stderr).filter((l) => l.startsWith("{"));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain("publisher bound");
  });

  it("a bad configuration value: one clear line per value, exit 2", async () => {
    const result = await runCli(["send", "mm1", "ping"], {
      ...env,
      LOG_LEVEL: "loud",
      MISSIONCTL_REPLY_TIMEOUT_MS: "soon",
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^missionctl send: invalid configuration:/);
    expect(result.stderr).toMatch(/^ {2}LOG_LEVEL: must be one of/m);
    expect(result.stderr).toMatch(
      /^ {2}MISSIONCTL_REPLY_TIMEOUT_MS: must be a positive integer of at most 3600000 \(got "soon"\)/m,
    );
  });

  describe("the per-id lock", () => {
    it("two concurrent sends with the same id both succeed (serialized, no stolen socket)", async () => {
      const [a, b] = await Promise.all([
        runCli(["send", "mm1", "ping"], env),
        runCli(["send", "mm2", "status"], env),
      ]);
      for (const r of [a, b]) {
        expect(r.code, r.stderr).toBe(0);
        expectOneCommand(replies(r));
      }
      expect(replies(a).at(-1)).toMatchObject({ sender_id: "mm1", payload: { status: "ok" } });
      expect(replies(b).at(-1)).toMatchObject({ sender_id: "mm2", payload: { status: "ok" } });
      expect(replies(a)[0]?.payload.reply_to).not.toBe(replies(b)[0]?.payload.reply_to);
      expect(existsSync(join(dir, "locks", "cli.lock"))).toBe(false);
    });

    it("a send waits while a live process holds the id's lock, then runs", async () => {
      // This test process holds locks/cli.lock: the send must wait, not bind cli's socket.
      const { acquireIdLock } = await import("../../src/send/lock.ts");
      const release = await acquireIdLock(dir, "cli");
      let released = false;
      try {
        const run = startCli(["send", "mm1", "ping"], env);
        await until(
          () => run.stderr().includes("waiting for") || run.child.exitCode !== null,
          45_000,
          "waiting",
        );
        expect(run.stderr()).toContain(`waiting for "cli" (held by pid ${process.pid})`);
        await new Promise((r) => setTimeout(r, 300));
        expect(run.child.exitCode).toBeNull();
        expect(run.stdout()).toBe("");
        release();
        released = true;
        const result = await run.done;
        expect(result.code, result.stderr).toBe(0);
        expect(replies(result).at(-1)).toMatchObject({ sender_id: "mm1", payload: { status: "ok" } });
      } finally {
        if (!released) release();
      }
    });

    it("a lock left by a dead process is taken over", async () => {
      const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      await new Promise((r) => dead.on("exit", r));
      mkdirSync(join(dir, "locks"), { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, "locks", "cli.lock"), String(dead.pid));
      const result = await runCli(["send", "mm1", "ping"], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain("waiting for");
      expect(replies(result).at(-1)).toMatchObject({ sender_id: "mm1", payload: { status: "ok" } });
      expect(readdirSync(join(dir, "locks"))).toEqual([]);
    });
  });

  it("send fin1 finish_and_exit: accepted then ok, exit 0, and the strategy exits 0", async () => {
    const fin = await startStrategy("fin1");
    const result = await runCli(["send", "fin1", "finish_and_exit"], env);
    expect(result.code, result.stderr).toBe(0);
    const rs = replies(result);
    expectOneCommand(rs);
    expect(rs.map((r) => r.payload.status)).toEqual(["accepted", "ok"]);
    expect(rs.every((r) => r.sender_id === "fin1")).toBe(true);
    const end = await fin.done;
    expect(end.code).toBe(0);
  }, 60_000);
});

describe("missionctl send: bad usage exits 2 with the usage", () => {
  const { dir, cleanup } = tempIpcDir();
  afterAll(() => cleanup());
  const env = { MISSIONCTL_IPC_DIR: dir };

  it.each([
    ["an invalid target", ["a.b", "ping"], /invalid target "a\.b"/],
    ["an invalid command type", ["mm1", "Ping"], /invalid command type "Ping"/],
    ["a payload that is an array", ["mm1", "ping", "[1]"], /payload must be a JSON object/],
    ["a payload that is not JSON", ["mm1", "ping", "not-json"], /payload is not JSON/],
    ["a payload that is null", ["mm1", "ping", "null"], /payload must be a JSON object/],
    [
      "a --timeout that is not a number",
      ["mm1", "ping", "--timeout", "abc"],
      /--timeout takes a positive integer/,
    ],
    ["a --timeout of 0", ["mm1", "ping", "--timeout", "0"], /--timeout takes a positive integer/],
    [
      "a --timeout in exponent notation",
      ["mm1", "ping", "--timeout", "1e3"],
      /--timeout takes a positive integer/,
    ],
    ["a --timeout without a value", ["mm1", "ping", "--timeout"], /--timeout/],
    // Issue 10: a Node timer fires at once beyond 2^31−1 ms, so this used to fail at once.
    [
      "a --timeout beyond a day",
      ["mm1", "ping", "--timeout", "99999999999"],
      /--timeout takes at most 86400000 ms \(a day\), not 99999999999/,
    ],
    ["an invalid --as id", ["mm1", "ping", "--as", "a.b"], /invalid --as id "a\.b"/],
    ["an unknown option", ["mm1", "ping", "--bogus"], /--bogus/],
    ["an extra argument", ["mm1", "ping", "{}", "extra"], /unexpected argument "extra"/],
    ["no command type", ["mm1"], /missing <target> or <command_type>/],
    ["no arguments", [], /missing <target> or <command_type>/],
  ])("%s", async (_what, args, message) => {
    const result = await runCli(["send", ...args], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(SEND_USAGE);
    // Bad usage is found before anything binds or locks.
    expect(existsSync(join(dir, "command"))).toBe(false);
    expect(existsSync(join(dir, "locks"))).toBe(false);
  });

  it("--help: the usage on stdout, exit 0", async () => {
    const result = await runCli(["send", "--help"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(SEND_USAGE);
    expect(result.stderr).toBe("");
  });
});
