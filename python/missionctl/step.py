"""The parts of the strategy loop: the sleep any command ends, one step's run, and what a step sees."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .command_system import CommandSystem


class Sleeper:
    """The sleep between steps: one future and one timer. :meth:`interrupt` ends it at once; nothing
    polls (seed 002's ``asyncio.sleep(0)`` loop burned a core).

    >>> async def demo():
    ...     s = Sleeper()
    ...     asyncio.get_running_loop().call_later(0.01, s.interrupt)
    ...     return await s.sleep(3600)
    >>> asyncio.run(demo())
    False
    """

    def __init__(self) -> None:
        self._future: asyncio.Future[bool] | None = None
        #: Epoch ms at which the current sleep ends, while sleeping for a finite time.
        self.ends_at: int | None = None

    async def sleep(self, seconds: float | None) -> bool:
        """Sleeps ``seconds`` (``None``: until interrupted); ``True`` when it ran out, ``False`` when interrupted."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._future = future
        timer = None
        if seconds is not None:
            self.ends_at = int(time.time() * 1000 + seconds * 1000)
            timer = loop.call_later(seconds, lambda: future.done() or future.set_result(True))
        try:
            return await future
        finally:
            if timer is not None:
                timer.cancel()
            self._future = None
            self.ends_at = None

    def interrupt(self) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_result(False)


class StepContext:
    """What a step gets: its number, a logger, the command system, and the abort state (exit_now)."""

    def __init__(self, strategy_id: str, step: int, log: logging.Logger, ipc: CommandSystem) -> None:
        self.id = strategy_id
        #: 1 for the first step, then 2, 3, ...
        self.step = step
        self.log = logging.LoggerAdapter(log, {"fields": {"step": step}})
        #: The strategy's command system, to publish events of its own: ``await ctx.ipc.send_command("*", "fill", {...})``.
        self.ipc = ipc
        self._aborted = False

    @property
    def aborted(self) -> bool:
        """``True`` once exit_now (or a crash elsewhere) cancelled this step: stop I/O and return."""
        return self._aborted

    async def sleep(self, seconds: float) -> None:
        """Waits ``seconds``; exit_now cancels it (``asyncio.CancelledError``)."""
        await asyncio.sleep(seconds)


@dataclass
class StepOutcome:
    #: completed, failed, aborted (ended after exit_now cancelled it), abandoned (outlived the grace)
    kind: str
    ms: int
    error: BaseException | None = None


class StepRun:
    """One execution of a step as a task. :meth:`abort` cancels the task and starts the grace period;
    :meth:`outcome` always returns: when the task ends, or when a step that ignores its cancellation
    outlives the grace (abandoned)."""

    def __init__(self, step: Callable[[StepContext], Any], ctx: StepContext, grace_s: float) -> None:
        self.ctx = ctx
        self._grace_s = grace_s
        self._started = time.monotonic()
        self._abandon: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._grace: asyncio.TimerHandle | None = None
        self.task: asyncio.Task[None] = asyncio.ensure_future(_call(step, ctx))

    def abort(self) -> None:
        if self.task.done() or self._grace is not None:
            return
        self.ctx._aborted = True
        self._grace = asyncio.get_running_loop().call_later(
            self._grace_s, lambda: self._abandon.done() or self._abandon.set_result(None)
        )
        self.task.cancel()

    async def outcome(self) -> StepOutcome:
        await asyncio.wait({self.task, self._abandon}, return_when=asyncio.FIRST_COMPLETED)
        if self._grace is not None:
            self._grace.cancel()
        ms = int((time.monotonic() - self._started) * 1000)
        if not self.task.done():
            self.task.add_done_callback(_swallow)  # its eventual end must not be an unhandled error
            return StepOutcome("abandoned", ms)
        if self.task.cancelled():
            return StepOutcome("aborted" if self.ctx.aborted else "failed", ms, asyncio.CancelledError())
        error = self.task.exception()
        if error is None:
            return StepOutcome("completed", ms)
        return StepOutcome("aborted" if self.ctx.aborted else "failed", ms, error)


async def _call(step: Callable[[StepContext], Any], ctx: StepContext) -> None:
    result = step(ctx)
    if inspect.isawaitable(result):
        await result


def _swallow(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


@dataclass
class StopOutcome:
    """How the runtime ended, as ``stopped`` / ``crash`` and the final ok report it."""

    reason: str
    exit_code: int
    step_abandoned: bool = False
    crash: dict[str, Any] | None = field(default=None)


def exit_event(outcome: StopOutcome, grace_s: float) -> tuple[str, dict[str, Any]]:
    """``crash`` {error, stack?, during} or ``stopped`` {reason, exit_code, step_abandoned?, detail?}."""
    if outcome.crash:
        return "crash", dict(outcome.crash)
    payload: dict[str, Any] = {"reason": outcome.reason, "exit_code": outcome.exit_code}
    if outcome.step_abandoned:
        payload["step_abandoned"] = True
        payload["detail"] = f"step ignored its cancellation; abandoned after {int(grace_s * 1000)} ms"
    return "stopped", payload


def stop_reply(outcome: StopOutcome) -> dict[str, Any]:
    """The result of the final ok of finish_and_exit / exit_now; a crash is an error reply instead."""
    if outcome.crash:
        raise RuntimeError(f"strategy crashed while stopping: {outcome.crash['error']}")
    result: dict[str, Any] = {"state": "stopping", "reason": outcome.reason, "exit_code": outcome.exit_code}
    if outcome.step_abandoned:
        result["step_abandoned"] = True
    return result

