"""Helpers of the Python tests: unique IPC directories, a wait that fails with a message, runtimes on
the in-memory transport, and command systems that capture what they hear."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from missionctl.codec import Command, decode_frame
from missionctl.command_system import CommandSystem
from missionctl.memory import MemoryHub
from missionctl.runtime import StrategyRuntime

PYTHON = sys.executable
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def temp_ipc_dir(case: Any) -> str:
    """A fresh private directory removed after the test; the IPC dir is ``{it}/ipc``."""
    root = tempfile.mkdtemp(prefix="missionctl-py-")
    case.addCleanup(shutil.rmtree, root, True)
    return os.path.join(root, "ipc")


async def until(predicate: Callable[[], bool], timeout_s: float = 10.0, what: str = "condition") -> None:
    """Waits for ``predicate`` (checked every 5 ms), failing with ``what`` after ``timeout_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


class Observer:
    """A command system (default id ``cli``) that records every frame it hears, by type."""

    def __init__(self, hub: MemoryHub, process_id: str = "cli") -> None:
        self.ipc = CommandSystem(hub.transport(process_id))
        self.heard: list[Command] = []
        original = self.ipc.frame

        def frame(data: bytes, peer: str | None) -> None:
            decoded = decode_frame(data)
            if isinstance(decoded, Command):
                self.heard.append(decoded)
            original(data, peer)

        self.ipc.frame = frame  # type: ignore[method-assign]

    def events(self, command_type: str) -> list[Command]:
        return [c for c in self.heard if c.command_type == command_type]

    def sequence(self) -> list[str]:
        """``reply:accepted``, ``event:stopped``… in arrival order (heartbeats and the repeats of a
        reply, sent again for a re-sent command, left out)."""
        out, ids = [], set()
        for c in self.heard:
            if c.command_id in ids:
                continue
            ids.add(c.command_id)
            if c.command_type == "reply":
                out.append(f"reply:{c.payload['status']}")
            elif c.command_type != "heartbeat":
                out.append(f"event:{c.command_type}")
        return out


async def start_runtime(
    case: Any, step: Callable[..., Any], interval_s: float = 600.0, **options: Any
) -> tuple[StrategyRuntime, Observer, asyncio.Task[int]]:
    """A runtime ``mm1`` on a memory hub, hearing ``cli``, with an observer ``cli`` hearing it."""
    hub = MemoryHub()
    observer = Observer(hub)
    await observer.ipc.start()
    observer.ipc.connect_to_process("mm1")
    ipc = CommandSystem(hub.transport("mm1"))
    options.setdefault("install_hooks", False)
    runtime = StrategyRuntime("mm1", step, interval_s, hear=["cli"], ipc=ipc, linger_s=0, **options)
    task = asyncio.ensure_future(runtime.run())
    await until(lambda: observer.ipc.reachable("mm1"), 5, "mm1 reachable")

    async def cleanup() -> None:
        if not task.done():
            runtime.request_stop("test over", "now")
            await asyncio.wait_for(task, 10)
        await observer.ipc.stop(0)

    case.addAsyncCleanup(cleanup)
    return runtime, observer, task
