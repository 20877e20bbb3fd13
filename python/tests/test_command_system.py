import asyncio
import unittest

from missionctl.codec import TOPIC_BYTES, Outbox
from missionctl.command_system import CommandSystem
from missionctl.memory import MemoryHub

from .support import until


class CommandSystemTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.hub = MemoryHub()
        self.cli = CommandSystem(self.hub.transport("cli"))
        self.mm1 = CommandSystem(self.hub.transport("mm1"))
        for ipc in (self.cli, self.mm1):
            await ipc.start()
            self.addAsyncCleanup(ipc.stop, 0)
        self.cli.connect_to_process("mm1")
        self.mm1.connect_to_process("cli")
        await until(lambda: self.cli.reachable("mm1"), what="mm1 reachable")

    async def test_request_and_reply(self):
        self.mm1.register_handler("echo", lambda cmd: {"echo": cmd.payload, "from": cmd.sender_id})
        result = await self.cli.request("mm1", "echo", {"n": 1})
        self.assertTrue(result.ok)
        self.assertEqual(result.terminal["mm1"].result, {"echo": {"n": 1}, "from": "cli"})
        self.assertEqual(result.sends, 1)

    async def test_accepted_then_ok_from_an_async_handler(self):
        async def slow(cmd):
            await cmd.accept()
            await asyncio.sleep(0.01)
            return {"done": True}

        self.mm1.register_handler("slow", slow)
        seen = []
        result = await self.cli.request("mm1", "slow", on_reply=lambda r: seen.append(r.status))
        self.assertEqual(seen, ["accepted", "ok"])
        self.assertTrue(result.ok)

    async def test_errors_become_error_replies(self):
        def boom(_cmd):
            raise ValueError("bad spread")

        self.mm1.register_handler("boom", boom)
        self.mm1.register_handler("number", lambda _cmd: 42)
        self.mm1.register_handler("huge", lambda _cmd: {"x": "y" * 70_000})
        self.mm1.register_handler("nan", lambda _cmd: {"x": float("nan")})
        for command_type, needle in (
            ("boom", "bad spread"),
            ("number", "not a dict"),
            ("huge", "exceeds"),
            ("nan", "not JSON"),
            ("frobnicate", 'unknown command type "frobnicate"'),
        ):
            result = await self.cli.request("mm1", command_type)
            self.assertFalse(result.ok, command_type)
            self.assertIn(needle, result.terminal["mm1"].error, command_type)

    async def test_a_resent_command_is_answered_from_memory_not_run_twice(self):
        runs = []
        self.mm1.register_handler("once", lambda cmd: runs.append(cmd.command_id) or {"n": len(runs)})
        out = Outbox("cli")
        frame = out.encode(out.build("mm1", "once", {}))
        replies = []
        original = self.cli.frame
        self.cli.frame = lambda data, peer: (replies.append(data), original(data, peer))  # type: ignore[method-assign]
        for _ in range(3):
            await self.cli.transport.publish(frame)
            await until(lambda: len(replies) >= len(runs) and runs, what="a reply")
        await until(lambda: len(replies) == 3, what="three replies")
        self.assertEqual(len(runs), 1)
        self.assertEqual(len(set(replies)), 1)  # the same reply frame, repeated

    async def test_group_commands_of_unknown_types_and_events_are_ignored(self):
        result = await self.cli.request("mm*", "frobnicate", timeout_s=0.3)
        self.assertEqual(result.missing, {"mm1": "timeout"})
        self.assertEqual(result.terminal, {})

    async def test_a_forged_sender_is_dropped_and_counted(self):
        ran = []
        self.cli.register_handler("event", lambda cmd: ran.append(cmd) or None)
        forged = Outbox("chatops")
        await self.mm1.transport.publish(forged.encode(forged.build("cli", "event", {})))
        await self.mm1.transport.publish(b"cli.short")
        await until(lambda: self.cli.drops.total == 2, what="two drops")
        self.assertEqual(self.cli.drops.counts["sender_mismatch"], 1)
        self.assertEqual(self.cli.drops.counts["too_short"], 1)
        self.assertEqual(ran, [])

    async def test_a_raising_listener_drops_one_frame_only(self):
        self.mm1.register_handler("ok", lambda _cmd: None)
        original = self.cli._handle_frame
        calls = []

        def flaky(frame, peer):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("listener bug")
            original(frame, peer)

        self.cli._handle_frame = flaky  # type: ignore[method-assign]
        result = await self.cli.request("mm1", "ok")  # the first reply is lost, the re-send answered
        self.assertTrue(result.ok)
        self.assertEqual(self.cli.drops.handling_failures, 1)

    async def test_unicast_to_an_absent_process_is_not_connected(self):
        result = await self.cli.request("mm9", "ping", join_window_s=0.05)
        self.assertEqual(result.missing, {"mm9": "not_connected"})
        self.assertFalse(result.ok)

    async def test_group_request_expects_the_present_processes(self):
        mm2 = CommandSystem(self.hub.transport("mm2"))
        await mm2.start()
        self.addAsyncCleanup(mm2.stop, 0)
        mm2.connect_to_process("cli")
        self.cli.connect_to_process("mm2")
        await until(lambda: self.cli.reachable("mm2"), what="mm2")
        for ipc in (self.mm1, mm2):
            ipc.register_handler("hello", lambda cmd, ipc=ipc: {"me": ipc.id})
        result = await self.cli.request("mm*", "hello")
        self.assertEqual(result.expected, ["mm1", "mm2"])
        self.assertTrue(result.ok)

    async def test_stop_fails_pending_requests(self):
        self.mm1.register_handler("never", lambda _cmd: asyncio.get_running_loop().create_future())
        pending = self.cli.request("mm1", "never")
        await asyncio.sleep(0.01)
        await self.cli.stop(0)
        with self.assertRaises(Exception) as caught:
            await pending
        self.assertEqual(getattr(caught.exception, "code", None), "CLOSED")
        self.assertEqual(len(b"x" * TOPIC_BYTES), 64)
