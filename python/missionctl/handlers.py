"""What a handler gets and returns: the command being handled, and a dict (or ``None``) as its result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .codec import Command
from .errors import IpcError
from .seen import SeenEntry

if TYPE_CHECKING:
    from .command_system import CommandSystem

#: Events are published for observers and never answered.
EVENT_TYPES = frozenset({"heartbeat", "stopped", "crash"})


class Incoming(Command):
    """A command being handled: its six fields, plus :meth:`accept`, ``log`` and (in a strategy) ``strategy``."""

    __slots__ = ("_system", "_entry", "_accepted", "log", "strategy")

    def __init__(self, command: Command, system: CommandSystem, entry: SeenEntry) -> None:
        super().__init__(*(getattr(command, f) for f in Command.__slots__))
        self._system, self._entry, self._accepted = system, entry, False
        self.log = system.log
        self.strategy: Any = None

    async def accept(self, result: dict[str, Any] | None = None) -> None:
        """Sends the interim ``accepted`` reply now (once); the handler's return is the terminal one."""
        if not self._accepted:
            self._accepted = True
            await self._system.reply(self, self._entry, "accepted", result=result)


Handler = Callable[[Incoming], dict[str, Any] | None | Awaitable[dict[str, Any] | None]]


def unknown_type(command: Incoming) -> None:
    raise IpcError("UNKNOWN_TYPE", f'unknown command type "{command.command_type}"')


def error_message(err: BaseException) -> str:
    """The text of an error reply: the exception's message, or its class name when it has none."""
    return str(err) or type(err).__name__
