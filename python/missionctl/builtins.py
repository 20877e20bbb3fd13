"""The built-in command types every strategy answers (docs/protocol.md), and authors' own types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .command_system import CommandSystem, Handler, Incoming
from .errors import StrategyError
from .step import stop_reply

if TYPE_CHECKING:
    from .runtime import StrategyRuntime

BUILTIN_COMMANDS = ("ping", "status", "finish_and_exit", "exit_now", "pause", "resume", "wake")
#: Types a custom handler may not take: the built-ins, the events, and replies.
RESERVED = frozenset(BUILTIN_COMMANDS) | {"heartbeat", "stopped", "crash", "reply"}


def register_builtin_commands(ipc: CommandSystem, strategy: StrategyRuntime) -> None:
    """finish_and_exit / exit_now end the sleep and send ``accepted`` before the loop runs again, so the
    order on the wire is accepted → stopped → ok."""

    def exit_handler(mode: str) -> Handler:
        async def handle(command: Incoming) -> dict[str, Any]:
            stopped = strategy.request_stop(command.command_type, mode)
            await command.accept()
            return stop_reply(await stopped)

        return handle

    def control(action: str) -> Handler:
        def handle(_command: Incoming) -> dict[str, Any]:
            if strategy.state == "stopping":
                raise StrategyError("STOPPING", f"{strategy.id} is stopping; {action} ignored")
            getattr(strategy, action)()
            return {"state": strategy.state}

        return handle

    ipc.register_handler("ping", lambda _command: {"state": strategy.state})
    ipc.register_handler("status", lambda _command: strategy.status())
    ipc.register_handler("finish_and_exit", exit_handler("finish"))
    ipc.register_handler("exit_now", exit_handler("now"))
    for action in ("pause", "resume", "wake"):
        ipc.register_handler(action, control(action))


def register_custom_commands(ipc: CommandSystem, strategy: StrategyRuntime, handlers: Mapping[str, Handler]) -> None:
    """An author's types: ``handler(cmd)`` returns the ok reply's result (a dict or ``None``), or raises
    for an error reply; ``cmd.strategy`` is the runtime (``cmd.strategy.status()``, ``.pause()``, …)."""
    for command_type, handler in handlers.items():
        if command_type in RESERVED:
            raise StrategyError("RESERVED_COMMAND", f'"{command_type}" is a built-in type; a strategy cannot handle it')
        if not callable(handler):
            raise StrategyError("INVALID_STRATEGY", f'the handler of "{command_type}" is not a function')

        def bound(command: Incoming, handler: Handler = handler) -> Any:
            command.strategy = strategy
            return handler(command)

        ipc.register_handler(command_type, bound)
