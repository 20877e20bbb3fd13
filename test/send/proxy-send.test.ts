/**
 * Proxy mode from the command line (README, Configuration and Command line): `missionctl strategy`
 * and `missionctl send` children with MISSIONCTL_PROXY, MISSIONCTL_CERT and MISSIONCTL_PROXY_CERT,
 * talking through a real CURVE proxy on loopback. Nothing is bound and IPC_DIR is never touched.
 */
import { chmodSync, copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IpcCommand } from "../../src/ipc/index.ts";
import { type CliRun, lines, runCli, startCli } from "../cli/run-cli.ts";
import { until } from "../helpers.ts";
import { type ProxyClient, type ProxySetup, proxySetup } from "../ipc/proxy-setup.ts";

type Reply = IpcCommand & { payload: { reply_to: string; status: string; result?: Record<string, unknown> } };
const replies = (stdout: string): Reply[] => lines(stdout).map((l) => JSON.parse(l) as Reply);

describe("missionctl send and strategy in proxy mode", () => {
  let s: ProxySetup;
  let watcher: ProxyClient;
  let env: Record<string, string>;
  const strategies = new Map<string, CliRun>();

  /** A key pair of `name` whose public half is listed; returns the secret file. */
  function listedSecret(name: string): string {
    const pair = s.keys.client(name, false);
    copyFileSync(pair.publicFile, join(s.keys.allowDir, `${name}.key`));
    s.proxy.reload();
    return `${pair.publicFile}_secret`;
  }

  async function startStrategy(id: string): Promise<CliRun> {
    const run = startCli(["strategy", id, "--interval-ms", "600000", "--step-ms", "0"], {
      ...env,
      MISSIONCTL_CERT: listedSecret(id),
    });
    strategies.set(id, run);
    await until(
      () => watcher.ipc.isReachable(id) || run.child.exitCode !== null,
      45_000,
      `${id} present through the proxy`,
    );
    expect(run.child.exitCode, run.stderr()).toBeNull();
    return run;
  }

  beforeAll(async () => {
    s = await proxySetup();
    watcher = await s.client("watcher");
    env = {
      MISSIONCTL_PROXY: s.address,
      MISSIONCTL_PROXY_CERT: join(s.keys.root, "proxy.key"),
      MISSIONCTL_CERT: listedSecret("cli"),
      // Never created: in proxy mode nothing lives there, not even the send lock.
      MISSIONCTL_IPC_DIR: join(s.keys.root, "no-ipc-dir"),
      LOG_LEVEL: "warn",
    };
    await Promise.all([startStrategy("mm1"), startStrategy("mm2")]);
  }, 90_000);

  afterAll(async () => {
    for (const run of strategies.values()) if (run.child.exitCode === null) run.child.kill("SIGKILL");
    await s?.cleanup();
  });

  it("send mm1 status: the strategy's reply, exit 0", async () => {
    const result = await runCli(["send", "mm1", "status"], env);
    expect(result.code, result.stderr).toBe(0);
    const [reply] = replies(result.stdout);
    expect(reply).toMatchObject({ sender_id: "mm1", target_id: "cli", payload: { status: "ok" } });
    expect(reply?.payload.result?.state).toMatch(/^(running|sleeping)$/);
    expect(existsSync(env.MISSIONCTL_IPC_DIR as string)).toBe(false);
  });

  it("send 'mm*' ping: every strategy present through the proxy answers, none else", async () => {
    const result = await runCli(["send", "mm*", "ping"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(
      replies(result.stdout)
        .map((r) => r.sender_id)
        .sort(),
    ).toEqual(["mm1", "mm2"]);
  });

  it("send to an absent process: not connected, exit 1", async () => {
    const result = await runCli(["send", "mm9", "ping"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("mm9: not connected");
  });

  it("an unsafe secret certificate stops send with one line naming it, exit 2", async () => {
    const secret = listedSecret("loose");
    chmodSync(secret, 0o644);
    const result = await runCli(["send", "mm1", "ping"], { ...env, MISSIONCTL_CERT: secret });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^missionctl send: invalid configuration:\n {2}MISSIONCTL_CERT: secret certificate .* mode 644/,
    );
    expect(result.stdout).toBe("");
  });

  it("MISSIONCTL_PROXY without certificates: one line each, exit 2", async () => {
    const result = await runCli(["send", "mm1", "ping"], {
      MISSIONCTL_PROXY: s.address,
      MISSIONCTL_CERT: "",
      MISSIONCTL_PROXY_CERT: "",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("MISSIONCTL_CERT: required in proxy mode");
    expect(result.stderr).toContain("MISSIONCTL_PROXY_CERT: required in proxy mode");
  });

  it("send mm2 finish_and_exit: accepted, ok, and the strategy exits 0", async () => {
    const run = strategies.get("mm2") as CliRun;
    const result = await runCli(["send", "mm2", "finish_and_exit", "--timeout", "20000"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(replies(result.stdout).map((r) => r.payload.status)).toEqual(["accepted", "ok"]);
    const exit = await run.done;
    expect(exit.code).toBe(0);
  });
});
