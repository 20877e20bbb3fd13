/**
 * `npm run bench`: every stage in turn, one progress line per stage, then the table and
 * bench/results.json. Not part of `npm test`. Children are SIGKILLed on every way out.
 *
 * Order matters: the bot of kill-alert stays up through monitor-cpu so that bot_rss_mb is read
 * "after the runs above"; monitor-cpu runs in this process, so nothing else of ours is busy in it.
 * The Python stages (issue 15) run before the bot starts, so it is not on the cores they measure.
 */
import { loadavg } from "node:os";
import { benchAlertOutbox } from "./alert-outbox.ts";
import { benchBotRss } from "./bot-rss.ts";
import { prepareCli } from "./build.ts";
import { cleanupAll, progress, rssMb } from "./common.ts";
import { benchExit20 } from "./exit20.ts";
import { benchIdleCpu } from "./idle-cpu.ts";
import { benchInterrupt } from "./interrupt.ts";
import { type BotHandle, benchKillAlert } from "./kill-alert.ts";
import { benchLinkDown } from "./link-down.ts";
import { benchMonitorCpu } from "./monitor-cpu.ts";
import { benchProxyRtt } from "./proxy-rtt.ts";
import { cleanupPython } from "./python-common.ts";
import { benchPythonIdleCpu } from "./python-idle-cpu.ts";
import { benchPythonInterrupt } from "./python-interrupt.ts";
import { pythonNotes } from "./python-report.ts";
import { benchPythonRtt } from "./python-rtt.ts";
import { report } from "./report.ts";
import { benchRtt } from "./rtt.ts";
import { benchSendWall } from "./send-wall.ts";
import { benchStatusRender } from "./status-render.ts";

const f = (n: number, digits = 0) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<number> {
  const started = performance.now();
  progress("build", `missionctl processes run from: ${prepareCli()}`);
  const stage = async <T>(name: string, run: () => Promise<T>, show: (r: T) => string): Promise<T> => {
    progress(name, `start (load average ${loadavg()[0]?.toFixed(2)})`);
    const t0 = performance.now();
    const r = await run();
    progress(name, `done in ${f((performance.now() - t0) / 1000, 1)} s: ${show(r)}`);
    return r;
  };
  const rtt = await stage(
    "rtt",
    benchRtt,
    (r) => `p50 ${f(r.rtt_p50_us)} µs, raw p50 ${f(r.raw_rtt_p50_us)} µs`,
  );
  const prtt = await stage(
    "proxy-rtt",
    benchProxyRtt,
    (r) => `p50 ${f(r.proxy_rtt_p50_us)} µs, bare Proxy p50 ${f(r.bare_proxy_rtt_p50_us)} µs`,
  );
  const intr = await stage(
    "interrupt",
    benchInterrupt,
    (r) => `p50 ${f(r.interrupt_p50_ms, 2)} ms, p99 ${f(r.interrupt_p99_ms, 2)} ms`,
  );
  const idle = await stage("idle-cpu", benchIdleCpu, (r) => `${f(r.idle_cpu_ms)} ms CPU in 10 s`);
  const exit = await stage("exit20", benchExit20, (r) => `all ok in ${f(r.exit20_ms)} ms`);
  const send = await stage(
    "send-wall",
    benchSendWall,
    (r) =>
      `ipc ${f(r.send_wall_ms)} ms vs floor ${f(r.floor_send_wall_ms)} ms; proxy ${f(r.proxy_send_wall_ms)} ms vs floor ${f(r.proxy_floor_send_wall_ms)} ms`,
  );
  const pyIdle = await stage("python-idle", benchPythonIdleCpu, (r) =>
    r.skipped
      ? `skipped: ${r.skipped}`
      : `${f(r.python_idle_cpu_ms)} ms CPU in 10 s (${f(r.python_idle_cpu_pct, 2)} %); TypeScript beside it ${f(r.ts_idle_cpu_ms)} ms`,
  );
  const pyIntr = await stage("python-intr", benchPythonInterrupt, (r) =>
    r.skipped
      ? `skipped: ${r.skipped}`
      : `Python p50 ${f(r.py_interrupt_p50_ms, 2)} ms, p99 ${f(r.py_interrupt_p99_ms, 2)} ms; TypeScript p50 ${f(r.ts_interrupt_p50_ms, 2)} ms, p99 ${f(r.ts_interrupt_p99_ms, 2)} ms`,
  );
  const pyRtt = await stage("python-rtt", benchPythonRtt, (r) =>
    r.skipped
      ? `skipped: ${r.skipped}`
      : `Python p50 ${f(r.py_rtt_p50_us)} µs, seed 003 p50 ${f(r.seed003_rtt_p50_us)} µs`,
  );
  let bot: BotHandle | undefined;
  try {
    const kill = await stage(
      "kill-alert",
      async () => {
        const { result, handle } = await benchKillAlert();
        bot = handle;
        return result;
      },
      (r) => `max ${f(r.kill_alert_ms)} ms, median ${f(r.kill_alert_p50_ms)} ms`,
    );
    const linkDown = await stage("link-down", benchLinkDown, (r) =>
      r.link_down_alert_ms === undefined ? "skipped (not root)" : `median ${f(r.link_down_alert_ms)} ms`,
    );
    const mon = await stage("monitor-cpu", benchMonitorCpu, (r) => `${f(r.monitor_cpu_pct, 2)} % of a core`);
    const monOff = await stage(
      "monitor-cpu",
      () => benchMonitorCpu({ state: false }),
      (r) => `${f(r.monitor_cpu_pct, 2)} % of a core without the state`,
    );
    // 20,000 processes: the run's spread is wide on a shared VM (8–15 % over 10 runs): the median of 3.
    const mon20k = await stage(
      "monitor-20k",
      async () => {
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) runs.push((await benchMonitorCpu({ processes: 20_000 })).monitor_cpu_pct);
        return runs;
      },
      (runs) => `${runs.map((r) => f(r, 2)).join(", ")} % of a core`,
    );
    const outbox = await stage(
      "outbox",
      benchAlertOutbox,
      (r) => `p50 ${f(r.outbox_p50_ms, 2)} ms, p99 ${f(r.outbox_p99_ms, 2)} ms`,
    );
    if (!bot) throw new Error("no bot");
    const botRss = rssMb(bot.bot.pid);
    progress("bot-rss", `${f(botRss, 1)} MB resident (VmRSS of the missionctl bot process)`);
    const render = await stage(
      "status-render",
      benchStatusRender,
      (r) => `median ${f(r.status1000_render_ms, 2)} ms, first ${f(r.status1000_first_render_ms, 1)} ms`,
    );
    const rss1000 = await stage(
      "bot-rss-1000",
      benchBotRss,
      (r) =>
        `proxy ${f(r.bot_rss_1000_mb, 1)} MB (no V8 flags ${f(r.bot_rss_1000_noflag_mb, 1)}); ipc ${f(r.bot_rss_ipc1000_mb, 1)} MB, bare zeromq.js ${f(r.floor_rss_ipc1000_mb, 1)} MB`,
    );
    const missed = report(
      {
        rtt_p50_us: rtt.rtt_p50_us,
        rtt_p99_us: rtt.rtt_p99_us,
        floor_rtt_p50_us: rtt.raw_rtt_p50_us,
        floor_rtt_p99_us: rtt.raw_rtt_p99_us,
        rtt_p50_ratio: rtt.rtt_p50_us / rtt.raw_rtt_p50_us,
        rtt_p99_ratio: rtt.rtt_p99_us / rtt.raw_rtt_p99_us,
        raw_rtt_p50_us: rtt.raw_rtt_p50_us,
        rtt_ratio: rtt.rtt_p50_us / rtt.raw_rtt_p50_us,
        proxy_rtt_p50_us: prtt.proxy_rtt_p50_us,
        proxy_rtt_ratio: prtt.proxy_rtt_p50_us / prtt.bare_proxy_rtt_p50_us,
        interrupt_p99_ms: intr.interrupt_p99_ms,
        floor_oneway_p99_ms: intr.raw_oneway_p99_ms,
        interrupt_p99_ratio: intr.interrupt_p99_ms / intr.raw_oneway_p99_ms,
        send_wall_ms: send.send_wall_ms,
        floor_send_wall_ms: send.floor_send_wall_ms,
        send_ratio: send.send_ratio,
        proxy_send_wall_ms: send.proxy_send_wall_ms,
        proxy_send_ratio: send.proxy_send_ratio,
        monitor20k_cpu_pct: median(mon20k),
        status1000_render_ms: render.status1000_render_ms,
        bot_rss_1000_mb: rss1000.bot_rss_1000_mb,
        bot_rss_1000_noflag_mb: rss1000.bot_rss_1000_noflag_mb,
        bot_rss_ipc1000_mb: rss1000.bot_rss_ipc1000_mb,
        floor_rss_ipc1000_mb: rss1000.floor_rss_ipc1000_mb,
        idle_cpu_pct: idle.idle_cpu_pct,
        exit20_ms: exit.exit20_ms,
        kill_alert_ms: kill.kill_alert_ms,
        link_down_alert_ms: linkDown.link_down_alert_ms ?? Number.NaN,
        monitor_cpu_pct: mon.monitor_cpu_pct,
        monitor_cpu_nostate_pct: monOff.monitor_cpu_pct,
        alert_request_p99_ms: outbox.outbox_p99_ms,
        bot_rss_mb: botRss,
        python_idle_cpu_pct: pyIdle.python_idle_cpu_pct,
        py_interrupt_p50_ms: pyIntr.py_interrupt_p50_ms,
        py_interrupt_p99_ms: pyIntr.py_interrupt_p99_ms,
        ts_interrupt_p50_ms: pyIntr.ts_interrupt_p50_ms,
        ts_interrupt_p99_ms: pyIntr.ts_interrupt_p99_ms,
        py_interrupt_ratio: pyIntr.py_interrupt_p50_ms / pyIntr.ts_interrupt_p50_ms,
        py_rtt_p50_us: pyRtt.py_rtt_p50_us,
        py_rtt_p99_us: pyRtt.py_rtt_p99_us,
        seed003_rtt_p50_us: pyRtt.seed003_rtt_p50_us,
        seed003_rtt_p99_us: pyRtt.seed003_rtt_p99_us,
        py_rtt_ratio: pyRtt.py_rtt_p50_us / pyRtt.seed003_rtt_p50_us,
      },
      {
        rtt_p50_us: `µs, 10,000 pings; CPU per round trip ${f(rtt.cpu_per_rtt_us)} µs (both processes)`,
        rtt_p99_us: "µs",
        proxy_rtt_p50_us: `µs, 10,000 pings (interleaved in blocks of 100 with the bare Proxy) over loopback tcp with CURVE through missionctl proxy; p99 ${f(prtt.proxy_rtt_p99_us)} µs`,
        proxy_rtt_ratio: `against a bare zeromq.js Proxy with the same CURVE settings, same run: p50 ${f(prtt.bare_proxy_rtt_p50_us)} µs, p99 ${f(prtt.bare_proxy_rtt_p99_us)} µs`,
        raw_rtt_p50_us: `µs, raw p99 ${f(rtt.raw_rtt_p99_us)} µs; CPU per round trip ${f(rtt.raw_cpu_per_rtt_us)} µs`,
        interrupt_p99_ms: `ms, 2,000 wakes 5 ms apart, interleaved in blocks of 100 with bare frames; p50 ${f(intr.interrupt_p50_ms, 2)}, max ${f(intr.interrupt_max_ms, 2)}; bare zeromq.js one-way, same pacing: p50 ${f(intr.raw_oneway_p50_ms, 2)}, p99 ${f(intr.raw_oneway_p99_ms, 2)}`,
        idle_cpu_pct: `% of a core: ${f(idle.idle_cpu_ms)} ms CPU in 10 s (/proc, all threads); ${f(idle.settle_cpu_ms)} ms in the 12 s before (one-off GC)`,
        exit20_ms: `ms; all 20 processes gone after ${f(exit.exit20_gone_ms)} ms`,
        kill_alert_ms: `ms, worst of 5 kills (median ${f(kill.kill_alert_p50_ms)}); includes the 300 ms settle window`,
        link_down_alert_ms: `ms, median of 2 cuts of a host's link (network namespaces, no FIN) → disconnected alert; worst ${f(linkDown.link_down_alert_max_ms ?? Number.NaN)} ms`,
        monitor_cpu_pct: "% of one core (process.cpuUsage), state on (SQLite file, batched writes)",
        monitor_cpu_nostate_pct: "% of one core, the same run without a state",
        alert_request_p99_ms: `ms, alert published → Bot API called, through the SQLite outbox (fsync); p50 ${f(outbox.outbox_p50_ms, 2)}; in memory only: p50 ${f(outbox.memory_p50_ms, 2)}, p99 ${f(outbox.memory_p99_ms, 2)}`,
        bot_rss_mb: "MB VmRSS",
        monitor20k_cpu_pct: `% of one core, 20,000 processes × 1 heartbeat/s, state on; median of 3 runs: ${mon20k.map((r) => f(r, 2)).join(", ")}`,
        status1000_render_ms: `ms median of 200 renders of /status over 1,000 processes (summary); p99 ${f(render.status1000_render_p99_ms, 2)}, first after start ${f(render.status1000_first_render_ms, 1)}, Chinese ${f(render.status1000_zh_render_ms, 2)}`,
        bot_rss_1000_mb: `MB VmRSS, the build's bot through the proxy tracking 1,000 processes (10 s of heartbeats), with deploy/missionctl-bot.service's --max-semi-space-size=4; ${f(rss1000.bot_rss_empty_mb, 1)} before any process, peak ${f(rss1000.bot_rss_1000_peak_mb, 1)}`,
        bot_rss_1000_noflag_mb: "MB, the same without V8 flags",
        bot_rss_ipc1000_mb: `MB, a bot over ipc hearing 1,000 processes (a SUB each); ${f(rss1000.bot_rss_ipc_empty_mb, 1)} before any`,
        floor_rss_ipc1000_mb: `MB, bare zeromq.js holding the same sockets to the same fleet; ${f(rss1000.floor_rss_ipc_empty_mb, 1)} before them`,
        send_wall_ms: `ms median of ${send.send_runs} runs, spawn → exit, the build's \`missionctl send mm1 ping\` against a running strategy; p90 ${f(send.send_wall_p90_ms)}`,
        floor_send_wall_ms: `ms median, a bare node + zeromq.js script doing the same exchange, interleaved; p90 ${f(send.floor_send_wall_p90_ms)}`,
        proxy_send_wall_ms: `ms median through missionctl proxy with CURVE; its floor ${f(send.proxy_floor_send_wall_ms)} ms (bare script, same proxy); p90 ${f(send.proxy_send_wall_p90_ms)}`,
        ...pythonNotes(pyIdle, pyIntr, pyRtt),
      },
      new URL("./results.json", import.meta.url),
    );
    console.log(
      `total ${f((performance.now() - started) / 1000, 1)} s; ${missed.length ? `missed: ${missed.join(", ")}` : "all targets met"}`,
    );
    return 0;
  } finally {
    await bot?.close().catch(() => {});
  }
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    cleanupPython();
    cleanupAll();
    process.exit(130);
  });
}
main().then(
  (code) => {
    cleanupPython();
    cleanupAll();
    process.exit(code);
  },
  (err: unknown) => {
    console.error("[bench] failed:", err);
    cleanupPython();
    cleanupAll();
    process.exit(1);
  },
);
