/**
 * `missionctl bot` with MISSIONCTL_METRICS, as a real process against a fake Bot API over HTTP: the
 * address is logged, /metrics and /healthz answer, a getUpdates outage turns /healthz to 503, a
 * stop closes the port; a port in use stops the start with one line and exit 2.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BotApiServer } from "../e2e/bot-api-server.ts";
import { type Child, exited, missionctl } from "../e2e/child.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";
import { Scrape } from "./scrape.ts";

const TOKEN = "123456:TEST";

/** A port that was free a moment ago (the bot binds it right after). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls an async probe every 50 ms until it holds (a child process announces nothing here). */
async function eventually(probe: () => Promise<boolean>, ms: number, what: string, context: () => string) {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms)
      throw new Error(`timed out after ${ms} ms waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

describe("missionctl bot with MISSIONCTL_METRICS", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function bot(env: Record<string, string>): Child {
    const ipc = tempIpcDir();
    const child = missionctl(["bot"], {
      MISSIONCTL_IPC_DIR: ipc.dir,
      TELEGRAM_BOT_TOKEN: TOKEN,
      MISSIONCTL_OPERATORS: "111",
      MISSIONCTL_VIEWERS: "",
      MISSIONCTL_ALERT_CHATS: "",
      MISSIONCTL_PROCESSES: "",
      ...env,
    });
    cleanups.push(async () => {
      if (!exited(child)) child.proc.kill("SIGKILL");
      await child.exit;
      ipc.cleanup();
    });
    return child;
  }

  it("a port in use: one line naming it, exit 2", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const { port } = busy.address() as { port: number };
    const child = bot({ MISSIONCTL_METRICS: `127.0.0.1:${port}`, TELEGRAM_API_ROOT: "http://127.0.0.1:9" });
    expect(await child.exit).toBe(2);
    expect(child.output.join("")).toBe(
      `missionctl bot: MISSIONCTL_METRICS: 127.0.0.1:${port} is already in use\n`,
    );
  }, 30_000);

  it("serves /metrics and /healthz while polling, 503 during a getUpdates outage, nothing after SIGTERM", async () => {
    const api = new BotApiServer(TOKEN);
    cleanups.push(() => api.close());
    const root = await api.listen();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = bot({ MISSIONCTL_METRICS: `127.0.0.1:${port}`, TELEGRAM_API_ROOT: root });
    const output = () => child.output.join("").slice(-4000);

    await pollFor(
      () => child.output.join("").includes(`metrics at ${url}/metrics`),
      20_000,
      "the log line",
      output,
    );
    await eventually(
      async () => (await get(`${url}/healthz`))?.status === 200,
      20_000,
      "/healthz 200 once polling",
      output,
    );
    expect((await get(`${url}/healthz`))?.body).toBe("ok\n");
    const s = new Scrape((await get(`${url}/metrics`))?.body ?? "");
    expect(s.value("missionctl_health", { part: "telegram" })).toBe(1);
    expect(s.value("missionctl_health", { part: "ipc" })).toBe(1);
    expect(s.value("missionctl_alerts_total", { kind: "crashed" })).toBe(0);
    expect(s.value("process_resident_memory_bytes")).toBeGreaterThan(0);

    api.failing = { status: 502, methods: ["getUpdates"] };
    let last: { status: number; body: string } | undefined;
    await eventually(
      async () => {
        last = await get(`${url}/healthz`);
        return last?.status === 503;
      },
      20_000,
      "/healthz 503 during the outage",
      output,
    );
    expect(last?.body).toBe("down: telegram\n");
    const during = new Scrape((await get(`${url}/metrics`))?.body ?? "");
    expect(during.value("missionctl_telegram_retries_total", { cause: "5xx" })).toBeGreaterThanOrEqual(3);

    child.proc.kill("SIGTERM");
    expect(await child.exit).toBe(0);
    expect(await get(`${url}/healthz`)).toBeUndefined();
  }, 60_000);
});
