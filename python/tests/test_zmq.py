"""The ipc layout on real ZeroMQ sockets: a round trip, a hostile peer in the IPC directory sending
garbage and forged frames, a second process with the same id, and directories open to others."""

import asyncio
import os
import unittest

import zmq
import zmq.asyncio

from missionctl.codec import TOPIC_BYTES, Outbox
from missionctl.command_system import CommandSystem
from missionctl.errors import IpcError, UnsafeIpcDirError
from missionctl.transport import ZmqTransport, command_address

from .support import temp_ipc_dir, until


class ZmqTransportTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.ipc_dir = temp_ipc_dir(self)
        self.mm1 = await self.system("mm1")
        self.mm1.register_handler("echo", lambda cmd: {"echo": cmd.payload})

    async def system(self, process_id: str) -> CommandSystem:
        ipc = CommandSystem(ZmqTransport(process_id, ipc_dir=self.ipc_dir))
        await ipc.start()
        self.addAsyncCleanup(ipc.stop, 0)
        return ipc

    async def test_request_and_reply_over_ipc(self):
        cli = await self.system("cli")
        self.mm1.connect_to_process("cli")
        cli.connect_to_process("mm1")
        self.assertEqual(await cli.wait_until_reachable(["mm1"], 10), [])
        result = await cli.request("mm1", "echo", {"n": 1})
        self.assertTrue(result.ok)
        self.assertEqual(result.terminal["mm1"].result, {"echo": {"n": 1}})
        mode = os.stat(os.path.join(self.ipc_dir, "command")).st_mode & 0o777
        self.assertEqual(mode, 0o700)

    async def test_a_hostile_peer_is_dropped_frame_by_frame_and_cannot_forge_a_sender(self):
        # A raw XPUB bound where mm1 listens for `cli`: anything it sends arrives as from `cli`.
        ctx = zmq.asyncio.Context()
        self.addCleanup(ctx.term)
        rogue = ctx.socket(zmq.XPUB)
        self.addCleanup(rogue.close, 0)
        rogue.bind(command_address(self.ipc_dir, "cli"))
        ran = []
        self.mm1.register_handler("order", lambda cmd: ran.append(cmd.sender_id) or {})
        self.mm1.connect_to_process("cli")
        await asyncio.wait_for(rogue.recv(), 10)  # mm1's first subscription: the link is up
        topic = b"mm1.order".ljust(TOPIC_BYTES)
        forged = Outbox("chatops")  # claims to be the bot
        frames = [
            b"mm1.x",
            topic + b"{not json",
            topic + b'{"command_id": 1}',
            topic + b"[" * 10_000,
            topic + b"x" * 70_000,
            forged.encode(forged.build("mm1", "order", {})),
        ]
        for frame in frames:
            await rogue.send(frame)
        await until(lambda: self.mm1.drops.total == len(frames), 10, f"{len(frames)} drops")
        counts = self.mm1.drops.counts
        self.assertEqual(counts["too_short"], 1)
        self.assertEqual(counts["too_large"], 1)
        self.assertEqual(counts["sender_mismatch"], 1)
        self.assertEqual(counts["bad_json"] + counts["bad_schema"], 3)
        self.assertEqual(ran, [])
        # The same peer sending a well-formed command as itself is still answered: nothing ended the loop.
        honest = Outbox("cli")
        await rogue.send(honest.encode(honest.build("mm1", "order", {})))
        await until(lambda: ran == ["cli"], 10, "the honest command to run")

    async def test_a_second_process_with_the_same_id_is_refused_and_the_first_keeps_working(self):
        twin = CommandSystem(ZmqTransport("mm1", ipc_dir=self.ipc_dir))
        with self.assertRaises(IpcError) as caught:
            await twin.start()
        self.assertEqual(caught.exception.code, "ADDRESS_IN_USE")
        cli = await self.system("cli")
        self.mm1.connect_to_process("cli")
        cli.connect_to_process("mm1")
        self.assertTrue((await cli.request("mm1", "echo", {})).ok)

    async def test_a_stale_socket_file_of_a_dead_process_is_taken_over(self):
        await self.mm1.stop(0)
        path = command_address(self.ipc_dir, "mm1")[len("ipc://") :]
        open(path, "w").close()  # left behind, nobody listening
        again = await self.system("mm1")
        self.assertTrue(again.started)


class UnsafeIpcDirTest(unittest.IsolatedAsyncioTestCase):
    async def refused(self, ipc_dir: str) -> str:
        with self.assertRaises(UnsafeIpcDirError) as caught:
            await CommandSystem(ZmqTransport("mm1", ipc_dir=ipc_dir)).start()
        self.assertFalse(os.path.exists(os.path.join(ipc_dir, "command", "mm1.ipc")))
        return str(caught.exception)

    async def test_a_directory_open_to_others_is_refused_not_chmodded(self):
        ipc_dir = temp_ipc_dir(self)
        os.makedirs(os.path.join(ipc_dir, "command"))
        os.chmod(ipc_dir, 0o777)
        self.assertIn("chmod 700", await self.refused(ipc_dir))
        self.assertEqual(os.stat(ipc_dir).st_mode & 0o777, 0o777)

    async def test_a_symbolic_link_is_refused(self):
        base = temp_ipc_dir(self)
        real = base + "-real"
        os.makedirs(real, mode=0o700)
        os.symlink(real, base)
        self.assertIn("symbolic link", await self.refused(base))


if __name__ == "__main__":
    unittest.main()
