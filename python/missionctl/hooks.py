"""The process around a strategy: signals take the planned-exit path, and an exception that reaches
the event loop (a failed callback, a task nobody awaited) is a crash, as in the TypeScript runtime."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any, Protocol


class Hooked(Protocol):
    def on_signal(self, name: str) -> None: ...
    def on_uncaught(self, error: BaseException) -> None: ...


def install_process_hooks(loop: asyncio.AbstractEventLoop, target: Hooked) -> Callable[[], None]:
    """Installs the SIGTERM / SIGINT handlers and the loop's exception handler; returns the undo.

    >>> # unhook = install_process_hooks(asyncio.get_running_loop(), runtime)
    """
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, target.on_signal, sig.name)
    previous = loop.get_exception_handler()

    def on_error(lp: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if error is None or isinstance(error, asyncio.CancelledError):
            lp.default_exception_handler(context)
        else:
            target.on_uncaught(error)

    loop.set_exception_handler(on_error)

    def unhook() -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        loop.set_exception_handler(previous)

    return unhook
