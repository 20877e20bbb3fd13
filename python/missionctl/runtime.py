"""The strategy loop (docs/python.md): step, sleep ``interval_s``, repeat, with every built-in command
answered at any moment. Event-driven end to end: the sleep is one future a command ends, exit_now
cancels the running step's task, and nothing polls."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from .builtins import register_builtin_commands, register_custom_commands
from .command_system import CommandSystem, Handler
from .config import load_settings
from .errors import StrategyError
from .hooks import install_process_hooks
from .ids import is_process_id
from .log import default_logger
from .setup import default_ipc
from .step import Sleeper, StepContext, StepOutcome, StepRun, StopOutcome, exit_event

MAX_INTERVAL_S = 365 * 86_400.0
MAX_HEARTBEAT_S = 86_400.0


class StrategyRuntime:
    """
    >>> async def step(ctx): await ctx.sleep(0.1)
    >>> # exit_code = await StrategyRuntime("mm1", step, interval_s=60).run()
    """

    def __init__(
        self,
        strategy_id: str,
        step: Callable[[StepContext], Any],
        interval_s: float,
        handlers: Mapping[str, Handler] | None = None,
        hear: list[str] | None = None,
        heartbeat_s: float = 5.0,
        *,
        ipc: CommandSystem | None = None,
        log: logging.Logger | None = None,
        on_step_error: str = "crash",
        abort_grace_s: float = 5.0,
        linger_s: float = 0.2,
        install_hooks: bool = True,
        force_exit_delay_s: float = 1.0,
    ) -> None:
        _validate(strategy_id, step, interval_s, heartbeat_s, on_step_error)
        self.id = strategy_id
        self.interval_s, self.heartbeat_s = float(interval_s), float(heartbeat_s)
        settings = load_settings() if ipc is None or log is None else None
        self.log = log or default_logger(settings.log_level if settings else "info")
        self.ipc, default_hear = (ipc, []) if ipc is not None else default_ipc(strategy_id, self.log, settings)
        self._hear = default_hear if hear is None else hear
        self._step_fn, self._on_step_error = step, on_step_error
        self._grace_s, self._linger_s = abort_grace_s, linger_s
        self._install_hooks, self._force_exit_delay_s = install_hooks, force_exit_delay_s
        self._started_at = time.monotonic()
        self._sleeper = Sleeper()
        self._phase = "new"  # new, looping, finishing
        self._loop_state = "starting"
        self._paused = self._wake_pending = self._abandoned = False
        self._steps, self._step_errors = 0, 0
        self._last_step_ms: int | None = None
        self._run: StepRun | None = None
        self._stop: tuple[str, str] | None = None  # (reason, "finish" | "now")
        self._crash: dict[str, Any] | None = None
        self._stopped: asyncio.Future[StopOutcome] | None = None
        self._signals = 0
        self.heartbeats = 0
        register_builtin_commands(self.ipc, self)
        register_custom_commands(self.ipc, self, handlers or {})

    # --- what commands see -----------------------------------------------------------------------
    @property
    def state(self) -> str:
        """starting, running (a step executes), sleeping, paused or stopping."""
        return "stopping" if self._stop or self._crash or self._phase == "finishing" else self._loop_state

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "state": self.state,
            "step": self._steps,
            "last_step_ms": self._last_step_ms,
            "uptime_s": self._uptime_s(),
        }
        if self._loop_state == "sleeping" and not self._stop and self._sleeper.ends_at is not None:
            status["next_step_at"] = self._sleeper.ends_at
        status.update(paused=self._paused, step_errors=self._step_errors)
        return status

    def pause(self) -> None:
        if self._paused or self.state == "stopping":
            return
        self._paused, self._wake_pending = True, False
        self.log.info("paused")
        if self._loop_state == "sleeping":
            self._interrupt_into("paused")  # the reply to `pause` already says paused

    def resume(self) -> None:
        if not self._paused or self.state == "stopping":
            return
        self._paused = False
        self.log.info("resumed")
        if self._loop_state == "paused":
            self._interrupt_into("running")

    def wake(self) -> None:
        if self._paused or self.state == "stopping":
            return
        if self._loop_state == "sleeping":
            self._interrupt_into("running")
        else:
            self._wake_pending = True  # a step runs: skip the sleep after it

    def _interrupt_into(self, state: str) -> None:
        self._loop_state = state
        self._sleeper.interrupt()

    def request_stop(self, reason: str, mode: str) -> asyncio.Future[StopOutcome]:
        """Starts (or escalates to exit_now) a planned exit; the future resolves once ``stopped`` is out."""
        if self._stopped is None:
            self._stopped = asyncio.get_running_loop().create_future()
        if self._phase == "finishing":
            return self._stopped
        if self._stop is None or (mode == "now" and self._stop[1] == "finish"):
            self.log.info("stop requested", extra={"fields": {"reason": reason, "mode": mode}})
            self._stop = (reason, mode)
        self._sleeper.interrupt()
        if self._stop[1] == "now" and self._run is not None:
            self._run.abort()
        return self._stopped

    # --- the loop --------------------------------------------------------------------------------
    async def run(self) -> int:
        """Starts, loops until a planned exit or a crash, and returns the exit code (0 or 1)."""
        loop = asyncio.get_running_loop()
        if self._stopped is None:
            self._stopped = loop.create_future()
        try:
            if not self.ipc.started:
                await self.ipc.start()
        except Exception as err:  # noqa: BLE001 - nothing is bound: no crash event can be sent
            self.log.error(f"could not start the command system: {err}")
            self._crash = {"error": f"start failed: {err}", "during": "start"}
            return await self._finish()
        for peer in self._hear:
            self.ipc.connect_to_process(peer)
        hooks = install_process_hooks(loop, self) if self._install_hooks else None
        self._phase = "looping"
        beats = asyncio.ensure_future(self._heartbeat())
        self.log.info("strategy started", extra={"fields": {"address": self.ipc.transport.address, "hear": self._hear}})
        try:
            await self._loop()
        except Exception as err:  # noqa: BLE001
            self._crash = self._crash or _crash_of(err, "step")
        finally:
            beats.cancel()
        code = await self._finish()
        if hooks:
            hooks()
        return code

    async def _loop(self) -> None:
        while not self._stop and not self._crash:
            if self._paused:
                self._loop_state = "paused"
                await self._sleeper.sleep(None)
                continue
            outcome = await self._step()
            self._abandoned = self._abandoned or outcome.kind == "abandoned"
            if outcome.kind == "failed":
                assert outcome.error is not None
                if self._on_step_error != "retry":
                    self._crash = self._crash or _crash_of(outcome.error, "step")
                    self.log.error("step failed: crashing", extra={"fields": {"step": self._steps, "err": repr(outcome.error)}})
                    return
                self._step_errors += 1
                self.log.error("step failed: retrying next interval", extra={"fields": {"err": repr(outcome.error)}})
            if self._stop or self._crash or self._paused:
                continue
            if self._wake_pending:
                self._wake_pending = False
                continue
            self._loop_state = "sleeping"
            await self._sleeper.sleep(self.interval_s)

    async def _step(self) -> StepOutcome:
        self._loop_state, self._wake_pending = "running", False
        self._steps += 1
        self._run = StepRun(self._step_fn, StepContext(self.id, self._steps, self.log, self.ipc), self._grace_s)
        if self._stop and self._stop[1] == "now":
            self._run.abort()
        outcome = await self._run.outcome()
        self._run = None
        self._last_step_ms = outcome.ms
        if outcome.kind == "abandoned":
            self.log.warning("step ignored its cancellation: abandoned", extra={"fields": {"grace_s": self._grace_s}})
        return outcome

    async def _heartbeat(self) -> None:
        while True:
            self.heartbeats += 1
            payload = {
                "state": self.state,
                "pid": os.getpid(),
                "uptime_s": self._uptime_s(),
                "interval_ms": int(self.heartbeat_s * 1000),
                "seq": self.heartbeats,
            }
            try:
                await self.ipc.send_command("*", "heartbeat", payload)
            except Exception as err:  # noqa: BLE001
                self.log.warning(f"heartbeat not sent: {err}")
            await asyncio.sleep(self.heartbeat_s)

    async def _finish(self) -> int:
        """Publishes ``stopped`` or ``crash``, lets the final ok replies go, closes the sockets."""
        self._phase = "finishing"
        self._sleeper.interrupt()
        code = 1 if self._crash else 0
        reason = "crash" if self._crash else (self._stop[0] if self._stop else "stop")
        outcome = StopOutcome(reason, code, self._abandoned, self._crash)
        if self.ipc.started:
            kind, payload = exit_event(outcome, self._grace_s)
            try:
                await self.ipc.send_command("*", kind, payload)
            except Exception as err:  # noqa: BLE001
                self.log.warning(f"{kind} not sent: {err}")
        self.log.info("strategy stopping", extra={"fields": {"reason": reason, "exit_code": code}})
        assert self._stopped is not None
        if not self._stopped.done():
            self._stopped.set_result(outcome)
        await self.ipc.drain(0.5)  # the final ok replies of finish_and_exit / exit_now
        await self.ipc.stop(self._linger_s)
        if self._install_hooks and (self._abandoned or (self._crash and self._crash.get("during") == "uncaught")):
            # An abandoned step (or a thread it started) would keep the process alive: exit anyway.
            timer = threading.Timer(self._force_exit_delay_s, os._exit, (code,))
            timer.daemon = True
            timer.start()
        return code

    def on_signal(self, name: str) -> None:
        """SIGTERM / SIGINT take the finish_and_exit path; a second one the exit_now path."""
        self._signals += 1
        self.request_stop(name, "now" if self._signals > 1 else "finish")

    def on_uncaught(self, error: BaseException) -> None:
        """An exception that reached the event loop while looping: a crash."""
        if self._phase != "looping":
            return
        self.log.critical(f"uncaught exception: {error!r}")
        self._crash = self._crash or _crash_of(error, "uncaught")
        self._sleeper.interrupt()
        if self._run is not None:
            self._run.abort()

    def _uptime_s(self) -> int:
        return int(time.monotonic() - self._started_at)


def _crash_of(error: BaseException, during: str) -> dict[str, Any]:
    crash: dict[str, Any] = {"error": str(error) or type(error).__name__, "during": during}
    stack = "".join(traceback.format_exception(error))
    if stack:
        crash["stack"] = stack[-8000:]
    return crash


def _validate(strategy_id: str, step: Any, interval_s: float, heartbeat_s: float, on_step_error: str) -> None:
    if not is_process_id(strategy_id):
        raise StrategyError("INVALID_STRATEGY", f"invalid strategy id {strategy_id!r}: letters, digits, _ and -, at most 40")
    if not callable(step):
        raise StrategyError("INVALID_STRATEGY", "step must be a function (async def step(ctx): ...)")
    for name, value, low, high in (("interval_s", interval_s, 0, MAX_INTERVAL_S), ("heartbeat_s", heartbeat_s, 1e-3, MAX_HEARTBEAT_S)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
            raise StrategyError("INVALID_STRATEGY", f"{name} must be a number of seconds from {low} to {high:g}, not {value!r}")
    if on_step_error not in ("crash", "retry"):
        raise StrategyError("INVALID_STRATEGY", f'on_step_error is "crash" or "retry", not {on_step_error!r}')


async def run_strategy(
    strategy_id: str,
    step: Callable[[StepContext], Any],
    interval_s: float,
    handlers: Mapping[str, Handler] | None = None,
    hear: list[str] | None = None,
    heartbeat_s: float = 5.0,
    **options: Any,
) -> int:
    """Runs a strategy until a planned exit or a crash; returns the exit code (0, or 1 after a crash).

    >>> async def step(ctx):
    ...     ctx.log.info("working")
    ...     await ctx.sleep(1.0)           # exit_now cuts this short
    >>> # raise SystemExit(asyncio.run(run_strategy("mm1", step, interval_s=900)))
    """
    return await StrategyRuntime(strategy_id, step, interval_s, handlers, hear, heartbeat_s, **options).run()
