/** The detail column of the Python stages' rows in the results table (bench/report.ts). */
import type { PyIdleResult } from "./python-idle-cpu.ts";
import type { PyInterruptResult } from "./python-interrupt.ts";
import type { PyRttResult } from "./python-rtt.ts";

const f = (n: number, digits = 0) => n.toFixed(digits);

export function pythonNotes(
  idle: PyIdleResult,
  intr: PyInterruptResult,
  rtt: PyRttResult,
): Record<string, string> {
  const notes: Record<string, string> = {};
  if (idle.skipped) notes.python_idle_cpu_pct = `skipped: ${idle.skipped}`;
  else
    notes.python_idle_cpu_pct =
      `% of a core: python3 -m missionctl.strategy asleep, ${f(idle.python_idle_cpu_ms)} ms CPU in 10 s (/proc, all threads; ` +
      `schedstat ${f(idle.python_idle_sched_ms, 1)} ms), VmRSS ${f(idle.python_rss_mb, 1)} MB; TypeScript strategy ` +
      `beside it, same window: ${f(idle.ts_idle_cpu_pct, 2)} % (${f(idle.ts_idle_cpu_ms)} ms, schedstat ${f(idle.ts_idle_sched_ms, 1)} ms)`;
  if (intr.skipped) notes.py_interrupt_p50_ms = `skipped: ${intr.skipped}`;
  else {
    notes.py_interrupt_p50_ms = `ms, wake published → the Python strategy's sleep ended (run_strategy); ${intr.samples.toLocaleString("en")} wakes each, TypeScript and Python alternating, 2 ms after each`;
    notes.py_interrupt_p99_ms = `ms; max ${f(intr.py_interrupt_max_ms, 2)}`;
    notes.ts_interrupt_p50_ms = "ms, the TypeScript runtime (runStrategy) in the same run, interleaved";
    notes.ts_interrupt_p99_ms = `ms; max ${f(intr.ts_interrupt_max_ms, 2)}`;
    notes.py_interrupt_ratio = `Python p50 / TypeScript p50, same run; p99 ratio ${f(intr.py_interrupt_p99_ms / intr.ts_interrupt_p99_ms, 2)}`;
  }
  if (rtt.skipped) notes.py_rtt_p50_us = `skipped: ${rtt.skipped}`;
  else {
    notes.py_rtt_p50_us = `µs, request → python3 -m missionctl.strategy → reply, ${rtt.pings.toLocaleString("en")} pings; CPU per round trip ${f(rtt.py_cpu_per_rtt_us)} µs (both processes)`;
    notes.py_rtt_p99_us = "µs";
    notes.seed003_rtt_p50_us = `µs, seed 003's design (bench/seed003_peer.py: receive task → asyncio.Queue → worker → handler → PUB), same requester; CPU per round trip ${f(rtt.seed003_cpu_per_rtt_us)} µs`;
    notes.seed003_rtt_p99_us = "µs";
    notes.py_rtt_ratio = `Python p50 / seed 003 p50, same run, alternating blocks of 100; p99 ratio ${f(rtt.py_rtt_p99_us / rtt.seed003_rtt_p99_us, 2)}`;
  }
  return notes;
}
