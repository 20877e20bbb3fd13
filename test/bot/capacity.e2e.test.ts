/**
 * `missionctl bot` over ipc with more processes than one process can hear (issue 17): each heard
 * process costs three ZeroMQ sockets and four open files, so the start is refused with one line
 * naming the variable and the way out, before anything binds.
 */
import { afterEach, describe, expect, it } from "vitest";
import { exited, missionctl } from "../e2e/child.ts";
import { tempIpcDir } from "../helpers.ts";

describe("missionctl bot's room for processes over ipc", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("MISSIONCTL_MAX_PROCESSES past what libzmq can hold: one line, exit 2", async () => {
    const ipc = tempIpcDir();
    const child = missionctl(["bot"], {
      MISSIONCTL_IPC_DIR: ipc.dir,
      TELEGRAM_BOT_TOKEN: "123456:TEST",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
      MISSIONCTL_OPERATORS: "111",
      MISSIONCTL_PROCESSES: "",
      MISSIONCTL_MAX_PROCESSES: "30000",
    });
    cleanups.push(async () => {
      if (!exited(child)) child.proc.kill("SIGKILL");
      await child.exit;
      ipc.cleanup();
    });
    expect(await child.exit).toBe(2);
    const out = child.output.join("");
    expect(out).toMatch(
      /^missionctl bot: invalid configuration:\n {2}MISSIONCTL_MAX_PROCESSES: hearing 30008 processes over ipc takes 90056 ZeroMQ sockets, more than libzmq's limit of \d+: lower MISSIONCTL_MAX_PROCESSES, or hear the processes through the proxy \(MISSIONCTL_PROXY\)\n$/,
    );
  }, 30_000);

  it("an absurd MISSIONCTL_MAX_PROCESSES is bad configuration whatever the transport", async () => {
    const ipc = tempIpcDir();
    const child = missionctl(["bot"], {
      MISSIONCTL_IPC_DIR: ipc.dir,
      TELEGRAM_BOT_TOKEN: "123456:TEST",
      MISSIONCTL_OPERATORS: "111",
      MISSIONCTL_MAX_PROCESSES: "1e15",
    });
    cleanups.push(async () => {
      if (!exited(child)) child.proc.kill("SIGKILL");
      await child.exit;
      ipc.cleanup();
    });
    expect(await child.exit).toBe(2);
    expect(child.output.join("")).toContain("MISSIONCTL_MAX_PROCESSES");
  }, 30_000);
});
