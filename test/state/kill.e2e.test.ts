/**
 * The real `missionctl bot` killed with SIGKILL and started again on the same MISSIONCTL_STATE
 * (docs/state.md), against the local Bot API server of test/e2e and real strategy processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { BotApiServer } from "../e2e/bot-api-server.ts";
import { type Child, exited, missionctl } from "../e2e/child.ts";
import { pollFor, tempIpcDir } from "../helpers.ts";

const TOKEN = "123456:TEST";
const OPERATOR = 111;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  api: BotApiServer;
  env: Record<string, string>;
  statePath: string;
  children: Child[];
}

const setups: Setup[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const s of setups.splice(0)) {
    for (const c of s.children) if (!exited(c)) c.proc.kill("SIGKILL");
    await Promise.all(s.children.map((c) => c.exit));
    await s.api.close();
  }
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function setup(): Promise<Setup> {
  const ipc = tempIpcDir();
  const stateDir = mkdtempSync(join(tmpdir(), "mctl-kill-"));
  cleanups.push(ipc.cleanup, () => rmSync(stateDir, { recursive: true, force: true }));
  const api = new BotApiServer(TOKEN);
  const apiRoot = await api.listen();
  const s: Setup = {
    api,
    statePath: join(stateDir, "state", "state.db"),
    env: { MISSIONCTL_IPC_DIR: ipc.dir },
    children: [],
  };
  s.env = {
    ...s.env,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    MISSIONCTL_OPERATORS: String(OPERATOR),
    MISSIONCTL_VIEWERS: "",
    MISSIONCTL_ALERT_CHATS: "",
    MISSIONCTL_PROCESSES: "",
    MISSIONCTL_STATE: s.statePath,
  };
  setups.push(s);
  return s;
}

function strategy(s: Setup, id: string): Child {
  const child = missionctl(["strategy", id, "--interval-ms", "600000", "--heartbeat-ms", "500"], s.env);
  s.children.push(child);
  return child;
}

async function startBot(s: Setup): Promise<Child> {
  const bot = missionctl(["bot"], s.env);
  s.children.push(bot);
  const polls = s.api.polls;
  await pollFor(
    () => s.api.polls > polls || exited(bot),
    30_000,
    "the bot to poll",
    () => bot.output.join(""),
  );
  expect(exited(bot), bot.output.join("")).toBe(false);
  return bot;
}

async function kill9(child: Child): Promise<void> {
  child.proc.kill("SIGKILL");
  await child.exit;
}

/** A read-only look at the bot's database, as another process may take while it runs. */
function query<T>(s: Setup, sql: string): T[] {
  try {
    const db = new Database(s.statePath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

const upInState = (s: Setup, ids: string[]) =>
  pollFor(
    () => {
      const up = query<{ id: string }>(s, "SELECT id FROM processes WHERE state = 'up'").map((r) => r.id);
      return ids.every((id) => up.includes(id));
    },
    30_000,
    `${ids.join(", ")} up in the state`,
  );

const alertsIn = (s: Setup, pattern: RegExp) =>
  s.api.telegram.botMessages(OPERATOR).filter((m) => pattern.test(m.text));

describe("missionctl bot killed and restarted on its state", () => {
  it("killed -9 during a Telegram 502 outage: the queued alert is delivered once after the restart", async () => {
    const s = await setup();
    const mm1 = strategy(s, "mm1");
    const bot = await startBot(s);
    await upInState(s, ["mm1"]);
    s.api.failing = { status: 502, methods: ["sendMessage"] };
    await kill9(mm1);
    await pollFor(
      () => query(s, "SELECT id FROM outbox WHERE text LIKE '%mm1 disconnected%'").length === 1,
      10_000,
      "the alert in the outbox",
    );
    const failedBefore = s.api.failed.length;
    await pollFor(() => s.api.failed.length > failedBefore, 10_000, "a 502 for the alert");
    await kill9(bot);

    s.api.failing = undefined;
    await startBot(s);
    await pollFor(() => alertsIn(s, /mm1 disconnected/).length > 0, 20_000, "the alert after the restart");
    await sleep(2000);
    // Delivered once. The kill may land while an attempt is on the wire (sent, its 502 not yet
    // read): the bot cannot know that it failed, so the one delivery then says it may repeat one.
    const delivered = alertsIn(s, /mm1 disconnected/).map((m) => m.text);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatch(
      /^🔴 mm1 disconnected \(no stopped notice\)(\n↻ sent again: delivery of an earlier attempt \(send [\d.]+\) was not confirmed, so this may repeat it)?$/,
    );
    expect(query(s, "SELECT id FROM outbox")).toEqual([]);
  }, 90_000);

  it("killed -9 between the outbox write and Telegram's answer: delivered once after the restart, flagged as a possible repeat", async () => {
    const s = await setup();
    const mm1 = strategy(s, "mm1");
    const bot = await startBot(s);
    await upInState(s, ["mm1"]);
    s.api.holding = ["sendMessage"];
    await kill9(mm1);
    await pollFor(() => s.api.held.length > 0, 10_000, "the alert's request in flight");
    expect(query<{ in_flight: number }>(s, "SELECT in_flight FROM outbox")).toEqual([{ in_flight: 1 }]);
    await kill9(bot);

    s.api.holding = [];
    await startBot(s);
    await pollFor(() => alertsIn(s, /mm1 disconnected/).length > 0, 20_000, "the alert after the restart");
    await sleep(2000);
    expect(alertsIn(s, /mm1 disconnected/).map((m) => m.text)).toEqual([
      "🔴 mm1 disconnected (no stopped notice)\n↻ sent again: delivery of an earlier attempt (send 1.1) was not confirmed, so this may repeat it",
    ]);
    expect(query(s, "SELECT id FROM outbox")).toEqual([]);
  }, 90_000);

  it("a process that died while the bot was down is alerted once; a mute holds across the restart", async () => {
    const s = await setup();
    const mm1 = strategy(s, "mm1");
    const mm2 = strategy(s, "mm2");
    const bot = await startBot(s);
    await upInState(s, ["mm1", "mm2"]);
    s.api.push(s.api.telegram.textUpdate({ userId: OPERATOR }, "/mute mm2 1h"));
    await pollFor(() => alertsIn(s, /^Alerts for mm2 are muted/).length, 20_000, "the mute");
    await kill9(bot);
    await kill9(mm1);
    await kill9(mm2);

    await startBot(s);
    await pollFor(() => alertsIn(s, /mm1 disconnected/).length > 0, 30_000, "the alert for mm1");
    await sleep(2000);
    const [alert, ...more] = alertsIn(s, /mm1 disconnected/);
    expect(more).toEqual([]);
    expect(alert?.text).toMatch(
      /^🔴 mm1 disconnected \(while the bot was down, last heartbeat at \d\d:\d\d UTC\)$/,
    );
    expect(alertsIn(s, /mm2 (disconnected|crashed|silent)/)).toEqual([]);
    s.api.push(s.api.telegram.textUpdate({ userId: OPERATOR }, "/alerts"));
    const alerts = await pollFor(
      () => s.api.telegram.botMessages(OPERATOR).find((m) => m.text.startsWith("Open incidents")),
      20_000,
      "/alerts",
    );
    expect(alerts.text).toMatch(/^mm2 — disconnected \[muted\]/m);
    expect(alerts.text).toMatch(/Mutes \(1\):\nmm2 — muted until/);
  }, 90_000);

  it("refuses to start on a damaged state file, with one clear line", async () => {
    const s = await setup();
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(join(s.statePath, ".."), { recursive: true });
    writeFileSync(s.statePath, "garbage".repeat(1000));
    const bot = missionctl(["bot"], s.env);
    s.children.push(bot);
    expect(await bot.exit).toBe(2);
    expect(bot.output.join("").trim()).toBe(
      `missionctl bot: ${s.statePath} is not a missionctl state database (not SQLite); move it away or set MISSIONCTL_STATE to another path`,
    );
    expect(s.api.requests).toEqual([]);
  }, 30_000);
});
