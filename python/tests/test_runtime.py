import asyncio
import unittest

from missionctl.errors import StrategyError
from missionctl.runtime import StrategyRuntime

from .support import start_runtime, until


async def quick(_ctx):
    pass


class RuntimeTest(unittest.IsolatedAsyncioTestCase):
    async def test_ping_status_and_heartbeats(self):
        runtime, obs, _ = await start_runtime(self, quick, heartbeat_s=0.02)
        await until(lambda: runtime.state == "sleeping", what="sleeping")
        ping = await obs.ipc.request("mm1", "ping")
        self.assertEqual(ping.terminal["mm1"].result, {"state": "sleeping"})
        status = (await obs.ipc.request("mm1", "status")).terminal["mm1"].result
        self.assertEqual((status["state"], status["step"], status["paused"]), ("sleeping", 1, False))
        self.assertIsInstance(status["last_step_ms"], int)
        self.assertIsInstance(status["next_step_at"], int)
        await until(lambda: len(obs.events("heartbeat")) >= 3, what="three heartbeats")
        beats = [b.payload for b in obs.events("heartbeat")]
        self.assertEqual([b["seq"] for b in beats[:3]], [1, 2, 3])
        self.assertEqual(beats[0]["interval_ms"], 20)
        self.assertEqual(sorted(beats[0]), ["interval_ms", "pid", "seq", "state", "uptime_s"])

    async def test_wake_ends_a_long_sleep_at_once(self):
        runtime, obs, _ = await start_runtime(self, quick, interval_s=3600)
        await until(lambda: runtime.state == "sleeping", what="sleeping")
        result = await obs.ipc.request("mm1", "wake")
        self.assertEqual(result.terminal["mm1"].result, {"state": "running"})
        await until(lambda: runtime.status()["step"] == 2 and runtime.state == "sleeping", 5, "a second step")

    async def test_finish_and_exit_lets_the_step_finish(self):
        finished = []

        async def step(ctx):
            await ctx.sleep(0.2)
            finished.append(ctx.step)

        runtime, obs, task = await start_runtime(self, step)
        await until(lambda: runtime.state == "running", what="a step running")
        result = await obs.ipc.request("mm1", "finish_and_exit")
        self.assertEqual(result.terminal["mm1"].result, {"state": "stopping", "reason": "finish_and_exit", "exit_code": 0})
        self.assertEqual(await task, 0)
        self.assertEqual(finished, [1])
        self.assertEqual(obs.sequence(), ["reply:accepted", "event:stopped", "reply:ok"])

    async def test_exit_now_cancels_the_running_step(self):
        seen = []

        async def step(ctx):
            try:
                await ctx.sleep(3600)
            except asyncio.CancelledError:
                seen.append(ctx.aborted)
                raise

        runtime, obs, task = await start_runtime(self, step)
        await until(lambda: runtime.state == "running", what="a step running")
        result = await obs.ipc.request("mm1", "exit_now")
        self.assertEqual(result.terminal["mm1"].result["reason"], "exit_now")
        self.assertEqual(await task, 0)
        self.assertEqual(seen, [True])
        self.assertEqual(obs.sequence(), ["reply:accepted", "event:stopped", "reply:ok"])
        self.assertEqual(obs.events("stopped")[0].payload, {"reason": "exit_now", "exit_code": 0})

    async def test_a_step_that_ignores_cancellation_is_abandoned_after_the_grace(self):
        async def stubborn(ctx):
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass
            await asyncio.sleep(0.5)  # goes on well past the grace

        runtime, obs, task = await start_runtime(self, stubborn, abort_grace_s=0.05)
        await until(lambda: runtime.state == "running", what="a step running")
        result = await obs.ipc.request("mm1", "exit_now")
        self.assertEqual(result.terminal["mm1"].result["step_abandoned"], True)
        self.assertEqual(await task, 0)
        self.assertTrue(obs.events("stopped")[0].payload["step_abandoned"])

    async def test_a_raising_step_publishes_crash_and_exits_1(self):
        async def step(ctx):
            if ctx.step == 2:
                raise RuntimeError("boom")

        hub_runtime, obs, task = await start_runtime(self, step)
        await until(lambda: hub_runtime.state == "sleeping", what="sleeping")
        await obs.ipc.request("mm1", "wake")
        self.assertEqual(await asyncio.wait_for(task, 5), 1)
        crash = obs.events("crash")[0].payload
        self.assertEqual((crash["error"], crash["during"]), ("boom", "step"))
        self.assertIn("RuntimeError", crash["stack"])
        self.assertEqual(obs.events("stopped"), [])
        self.assertEqual(hub_runtime.state, "stopping")

    async def test_on_step_error_retry_counts_and_goes_on(self):
        calls = []

        async def step(ctx):
            calls.append(ctx.step)
            if ctx.step == 1:
                raise ValueError("flaky")

        runtime, obs, _ = await start_runtime(self, step, interval_s=0.01, on_step_error="retry")
        await until(lambda: len(calls) >= 3, what="three steps")
        status = (await obs.ipc.request("mm1", "status")).terminal["mm1"].result
        self.assertEqual(status["step_errors"], 1)

    async def test_pause_resume_and_stopping_refusals(self):
        runtime, obs, task = await start_runtime(self, quick)
        await until(lambda: runtime.state == "sleeping", what="sleeping")
        self.assertEqual((await obs.ipc.request("mm1", "pause")).terminal["mm1"].result, {"state": "paused"})
        self.assertEqual((await obs.ipc.request("mm1", "wake")).terminal["mm1"].result, {"state": "paused"})
        self.assertEqual((await obs.ipc.request("mm1", "resume")).terminal["mm1"].result, {"state": "running"})
        await until(lambda: runtime.status()["step"] == 2, what="the step after resume")
        runtime.request_stop("test", "finish")
        await task

    async def test_custom_handlers(self):
        async def quotes(cmd):
            return {"n": cmd.payload["n"] * 2, "state": cmd.strategy.state}

        def fails(_cmd):
            raise ValueError("no such symbol")

        runtime, obs, _ = await start_runtime(self, quick, handlers={"quotes": quotes, "fails": fails})
        await until(lambda: runtime.state == "sleeping", what="sleeping")
        result = await obs.ipc.request("mm1", "quotes", {"n": 21})
        self.assertEqual(result.terminal["mm1"].result, {"n": 42, "state": "sleeping"})
        result = await obs.ipc.request("mm1", "fails")
        self.assertEqual(result.terminal["mm1"].error, "no such symbol")
        with self.assertRaises(StrategyError) as caught:
            StrategyRuntime("x", quick, 1, handlers={"ping": quick}, ipc=obs.ipc)
        self.assertEqual(caught.exception.code, "RESERVED_COMMAND")

    async def test_garbage_from_a_peer_never_ends_the_loop(self):
        runtime, obs, _ = await start_runtime(self, quick)
        await until(lambda: runtime.state == "sleeping", what="sleeping")
        for junk in (b"mm1.", b"mm1.ping".ljust(64) + b"[" * 5000, b"*.x".ljust(64) + b"\xff"):
            await obs.ipc.transport.publish(junk)
        self.assertTrue((await obs.ipc.request("mm1", "ping")).ok)
        self.assertEqual(runtime.ipc.drops.total, 3)

    async def test_bad_definitions_are_refused(self):
        for kwargs in ({"strategy_id": "a b"}, {"interval_s": -1}, {"interval_s": float("inf")}, {"heartbeat_s": 0}):
            args = {"strategy_id": "mm1", "step": quick, "interval_s": 1, **kwargs}
            with self.assertRaises(StrategyError):
                StrategyRuntime(args.pop("strategy_id"), args.pop("step"), args.pop("interval_s"), **args)


if __name__ == "__main__":
    unittest.main()
