"""Identifiers of the wire format (docs/protocol.md): process ids, targets, command types, command ids."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable

from .errors import IpcError, quote

PROCESS_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
COMMAND_TYPE_RE = re.compile(r"[a-z][a-z0-9_]{0,30}")
TARGET_ID_RE = re.compile(r"\*|[A-Za-z0-9_-]{1,40}\*?")


def is_process_id(value: object) -> bool:
    """``True`` for ``mm1``; ``False`` for ``mm*``, ``a.b`` or anything not a string."""
    return isinstance(value, str) and PROCESS_ID_RE.fullmatch(value) is not None


def is_command_type(value: object) -> bool:
    return isinstance(value, str) and COMMAND_TYPE_RE.fullmatch(value) is not None


def is_target_id(value: object) -> bool:
    """A process id, ``*`` (everyone) or ``prefix*`` (every process whose id starts so)."""
    return isinstance(value, str) and TARGET_ID_RE.fullmatch(value) is not None


def assert_process_id(value: str, what: str = "process id") -> str:
    if not is_process_id(value):
        raise IpcError("INVALID_ID", f"invalid {what} {quote(value)}: letters, digits, _ and -, at most 40", id=value)
    return value


def assert_target_id(value: str) -> str:
    if not is_target_id(value):
        raise IpcError("INVALID_ID", f"invalid target {quote(value)}", id=value)
    return value


def assert_command_type(value: str) -> str:
    if not is_command_type(value):
        raise IpcError("INVALID_ID", f"invalid command type {quote(value)}", type=value)
    return value


def target_matches(target: str, process_id: str) -> bool:
    """``True`` when ``target`` (unicast, ``*`` or ``prefix*``) addresses ``process_id``."""
    if target == "*":
        return True
    if target.endswith("*"):
        return process_id.startswith(target[:-1])
    return target == process_id


def is_group_target(target: str) -> bool:
    """``*`` and ``prefix*`` may reach many processes; a process id names one."""
    return target.endswith("*")


def subscription_prefixes(process_id: str) -> list[str]:
    """``id.``, ``*.`` and ``{q}*.`` for every non-empty prefix q of id: multicast is prefix filtering.

    >>> subscription_prefixes("mm1")
    ['mm1.', '*.', 'm*.', 'mm*.', 'mm1*.']
    """
    return [f"{process_id}.", "*."] + [f"{process_id[:i]}*." for i in range(1, len(process_id) + 1)]


_EPOCH_US = time.time_ns() // 1000
_MONO_NS = time.monotonic_ns()


def now_micros() -> int:
    """Microseconds since the Unix epoch, monotonic within this process."""
    return _EPOCH_US + (time.monotonic_ns() - _MONO_NS) // 1000


def command_id_generator(sender_id: str, now_us: Callable[[], int] = now_micros) -> Callable[[], str]:
    """Makes ``{sender}_{timestamp_us}_{counter}`` ids, unique per sender even within a microsecond.

    >>> next_id = command_id_generator("cli", lambda: 7)
    >>> next_id(), next_id()
    ('cli_7_1', 'cli_7_2')
    """
    counter = itertools.count(1)
    return lambda: f"{sender_id}_{now_us()}_{next(counter)}"
