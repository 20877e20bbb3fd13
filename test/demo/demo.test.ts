import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../helpers.ts";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Drives `npm start` (no token: the demo) through a stdin pipe, as a person at a terminal would. */
function startDemo(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn("npm", ["start", "--silent"], {
    env: { ...process.env, TELEGRAM_BOT_TOKEN: "", LOG_LEVEL: "warn" },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  // "close": every holder of the pipes is gone, the demo itself included (npm dies of the SIGINT
  // before the demo it started has finished stopping).
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe("npm start without a token (the demo)", () => {
  let demo: ReturnType<typeof startDemo> | undefined;

  afterEach(() => {
    // Whatever happened, leave no process group behind.
    if (demo?.child.pid && demo.child.exitCode === null) {
      try {
        process.kill(-demo.child.pid, "SIGKILL");
      } catch {}
    }
  });

  it("runs /exit mm1 from the terminal chat, ends mm1, and stops cleanly", async () => {
    demo = startDemo();
    const { child, output } = demo;
    await until(() => /Ctrl-C or "quit" stops everything/.test(output()), 60_000, "the demo banner");
    const pids = /mm1 \(pid (\d+)\), mm2 \(pid (\d+)\)/.exec(output());
    const ipcDir = /over ZeroMQ ipc in (\S+)/.exec(output())?.[1];
    expect(pids, output()).not.toBeNull();
    expect(ipcDir && existsSync(ipcDir)).toBe(true);
    const [mm1, mm2] = [Number(pids?.[1]), Number(pids?.[2])];
    expect(alive(mm1) && alive(mm2)).toBe(true);

    child.stdin?.write("/exit mm1\n");
    await until(() => /mm1: ok, [\d.]+ s/.test(output()), 20_000, "mm1's ok in the chat");
    expect(output()).toMatch(/bot › exit → mm1/);
    await until(() => !alive(mm1), 10_000, "mm1's process to end");
    expect(alive(mm2)).toBe(true);

    child.stdin?.write("/status\n");
    await until(() => /mm2 — up/.test(output()), 10_000, "the status listing");

    if (child.pid) process.kill(-child.pid, "SIGINT"); // Ctrl-C at the terminal: the whole group
    await demo.exited;
    expect(output()).toMatch(/demo stopped: no processes or sockets left behind/);
    expect(output()).not.toMatch(/crashed|disconnected/);
    await until(() => !alive(mm2), 10_000, "mm2's process to end");
    expect(existsSync(ipcDir as string)).toBe(false);
  }, 120_000);
});
