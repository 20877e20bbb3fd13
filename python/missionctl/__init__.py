"""missionctl for Python strategies: the IPC command system and the interruptible strategy loop on
asyncio + pyzmq, with the same semantics as the TypeScript runtime (docs/python.md).

>>> import asyncio
>>> from missionctl import run_strategy
>>> async def step(ctx):
...     await ctx.sleep(1.0)   # exit_now cuts this short
>>> # raise SystemExit(asyncio.run(run_strategy("mm1", step, interval_s=900)))
"""

from .codec import Command, decode_frame, encode_frame
from .command_system import CommandSystem, Incoming
from .errors import (
    ConfigError,
    FrameError,
    IpcError,
    MissionctlError,
    StrategyError,
    UnsafeIpcDirError,
    UsageError,
)
from .request import ReplyEvent, RequestResult
from .runtime import StrategyRuntime, run_strategy
from .step import StepContext

__all__ = [
    "Command",
    "CommandSystem",
    "ConfigError",
    "FrameError",
    "Incoming",
    "IpcError",
    "MissionctlError",
    "ReplyEvent",
    "RequestResult",
    "StepContext",
    "StrategyError",
    "StrategyRuntime",
    "UnsafeIpcDirError",
    "UsageError",
    "decode_frame",
    "encode_frame",
    "run_strategy",
]
__version__ = "0.1.0"
