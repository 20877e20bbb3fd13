/**
 * `missionctl proxy` as a process: bad usage and bad files are one clear line and exit 2, SIGHUP
 * re-reads the allow directory, SIGTERM closes it cleanly with exit 0.
 */
import { chmodSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Subscriber, XPublisher } from "zeromq";
import { decodeFrame } from "../../src/ipc/codec.ts";
import { readCertificate } from "../../src/proxy/certs.ts";
import { type CliRun, lines, runCli, startCli } from "../cli/run-cli.ts";
import { pollFor } from "../helpers.ts";
import { type KeyDir, makeKeyDir, publishUntil, Sockets, sleep } from "./helpers.ts";

let keys: KeyDir;
let run: CliRun | undefined;
const sockets = new Sockets();

beforeEach(() => {
  keys = makeKeyDir();
});

afterEach(async () => {
  sockets.closeAll();
  if (run && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill("SIGKILL");
    await run.done;
  }
  run = undefined;
  keys.cleanup();
});

const logLines = (text: string) =>
  lines(text).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

/** Starts `missionctl proxy` on a free PORT / PORT + 1 and waits for its "proxy running" line. */
async function startProxyCli(extra: string[] = []): Promise<{ run: CliRun; port: number }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const r = startCli(
      [
        "proxy",
        "--bind",
        `tcp://127.0.0.1:${port}`,
        "--cert",
        keys.proxyCert,
        "--allow",
        keys.allowDir,
        ...extra,
      ],
      { LOG_LEVEL: "info" },
    );
    const outcome = await pollFor(
      () =>
        logLines(r.stdout()).some((l) => l.msg === "proxy running")
          ? "running"
          : r.child.exitCode !== null
            ? "exited"
            : undefined,
      20_000,
      "the proxy to start",
      () => r.stderr(),
    );
    if (outcome === "running") return { run: r, port };
    const result = await r.done;
    if (!result.stderr.includes("cannot bind")) throw new Error(`proxy did not start: ${result.stderr}`);
  }
  throw new Error("no free port pair found");
}

describe("missionctl proxy: refusing to start", () => {
  it("missing options: exit 2 with the usage", async () => {
    const result = await runCli(["proxy", "--bind", "tcp://127.0.0.1:7100"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missionctl proxy: --bind, --cert and --allow are required");
    expect(result.stderr).toContain("Usage: missionctl proxy");
  });

  it("a --bind whose PORT + 1 is past 65535: exit 2", async () => {
    const result = await runCli(["proxy", "--bind", "tcp://127.0.0.1:65535", "--cert", "c", "--allow", "a"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^missionctl proxy: --bind: "tcp:\/\/127\.0\.0\.1:65535" is not tcp:\/\/HOST:PORT/,
    );
  });

  it("an unreadable certificate, an unsafe one, a missing allow directory: one line each, exit 2", async () => {
    const bind = ["--bind", "tcp://127.0.0.1:7100"];
    const missing = await runCli([
      "proxy",
      ...bind,
      "--cert",
      join(keys.root, "nope"),
      "--allow",
      keys.allowDir,
    ]);
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([
      expect.stringMatching(/^missionctl proxy: certificate .*nope cannot be read/),
    ]);

    chmodSync(keys.proxyCert, 0o640);
    const unsafe = await runCli(["proxy", ...bind, "--cert", keys.proxyCert, "--allow", keys.allowDir]);
    expect(unsafe.code).toBe(2);
    expect(lines(unsafe.stderr)).toEqual([
      expect.stringMatching(/^missionctl proxy: secret certificate .* has mode 640: .*chmod 600/),
    ]);
    chmodSync(keys.proxyCert, 0o600);

    const noDir = await runCli([
      "proxy",
      ...bind,
      "--cert",
      keys.proxyCert,
      "--allow",
      join(keys.root, "none"),
    ]);
    expect(noDir.code).toBe(2);
    expect(lines(noDir.stderr)).toEqual([
      expect.stringMatching(
        /^missionctl proxy: allow directory .*none does not exist or is not a directory$/,
      ),
    ]);
  });
});

describe("missionctl proxy: running", () => {
  it("SIGHUP re-reads the allow directory; a key added is admitted", async () => {
    const late = keys.client("late", false);
    const bot = keys.client("bot");
    const started = await startProxyCli();
    run = started.run;
    const loaded = () => logLines(run?.stdout() ?? "").filter((l) => l.msg === "allow list loaded");
    expect(loaded()).toHaveLength(1);
    run.child.kill("SIGHUP");
    await pollFor(
      () => loaded().length === 2,
      5000,
      "a reload after SIGHUP",
      () => run?.stdout() ?? "",
    );
    expect(loaded()[1]).toMatchObject({ keys: 1, added: [], removed: [] });

    copyFileSync(late.publicFile, join(keys.allowDir, "late.key"));
    run.child.kill("SIGHUP");
    await pollFor(
      () => loaded().some((l) => (l.added as string[]).includes("late.key")),
      5000,
      "late.key loaded",
    );
    const serverKey = readCertificate(keys.proxyCert).publicKey;
    const curve = (k: { publicKey: string; secretKey: string }) => ({
      curveServerKey: serverKey,
      curvePublicKey: k.publicKey,
      curveSecretKey: k.secretKey,
      linger: 0,
    });
    const pub = sockets.add(new XPublisher(curve(bot)));
    pub.connect(`tcp://127.0.0.1:${started.port}`);
    const sub = sockets.add(new Subscriber(curve(late)));
    sub.subscribe("late.");
    sub.connect(`tcp://127.0.0.1:${started.port + 1}`);
    let got = 0;
    void (async () => {
      for await (const _ of sub) got++;
    })().catch(() => {});
    await publishUntil(pub, "late.ping", () => got > 0, 5000);
    expect(got).toBeGreaterThan(0);
  });

  it("SIGTERM: `stopped` goes out, the proxy stops cleanly, exit 0", async () => {
    const mm1 = keys.client("mm1");
    const started = await startProxyCli(["--heartbeat-ms", "100", "--id", "hub"]);
    run = started.run;
    const serverKey = readCertificate(keys.proxyCert).publicKey;
    const sub = sockets.add(
      new Subscriber({
        curveServerKey: serverKey,
        curvePublicKey: mm1.publicKey,
        curveSecretKey: mm1.secretKey,
      }),
    );
    sub.subscribe("*.");
    sub.connect(`tcp://127.0.0.1:${started.port + 1}`);
    const types: string[] = [];
    void (async () => {
      for await (const [f] of sub) {
        const d = f ? decodeFrame(f) : undefined;
        if (d?.ok && d.command.sender_id === "hub") types.push(d.command.command_type);
      }
    })().catch(() => {});
    await pollFor(() => types.includes("heartbeat"), 5000, "a heartbeat from hub");
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(logLines(result.stdout).some((l) => l.msg === "proxy stopped" && l.reason === "SIGTERM")).toBe(
      true,
    );
    await sleep(100);
    expect(types).toContain("stopped");
  });
});
