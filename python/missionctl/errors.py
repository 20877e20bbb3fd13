"""Typed errors: every one carries a literal ``code`` and the context that explains it."""

from __future__ import annotations

import json
from typing import Any


def quote(value: Any) -> str:
    """A value as user-facing messages show it, the way the TypeScript side does (JSON).

    >>> quote("a b")
    '"a b"'
    """
    return json.dumps(value, ensure_ascii=False, default=str)


class MissionctlError(Exception):
    """Base of the package's errors.

    >>> MissionctlError("INVALID_ID", "invalid process id 'a b'", id="a b").code
    'INVALID_ID'
    """

    code: str

    def __init__(self, code: str, message: str, **context: Any) -> None:
        super().__init__(message)
        self.code = code
        self.context = context


class IpcError(MissionctlError):
    """The command system refused something: a bad id, a frame too large, a stopped system."""


class FrameError(MissionctlError):
    """Why a received frame was dropped; ``reason`` is one of :data:`missionctl.codec.DROP_REASONS`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("FRAME_DROPPED", message, reason=reason)
        self.reason = reason


class ConfigError(MissionctlError):
    """A bad environment value or certificate: one line per problem, shown before anything starts."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("BAD_CONFIG", "; ".join(problems), problems=problems)
        self.problems = problems


class UnsafeIpcDirError(MissionctlError):
    """The IPC directory is a symlink, not a directory, someone else's, or open to others."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__("UNSAFE_IPC_DIR", f"unsafe IPC directory {path}: it {problem}", path=path)


class UsageError(MissionctlError):
    """Bad command-line usage (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__("USAGE", message)


class StrategyError(MissionctlError):
    """The strategy runtime refused something (a reserved handler type, a command while stopping)."""


class LockTimeoutError(MissionctlError):
    """A per-id lock stayed held by a live process for the whole wait."""

    def __init__(self, path: str, holder_pid: int | None) -> None:
        super().__init__("LOCK_TIMEOUT", f"lock {path} still held by pid {holder_pid or '?'}", path=path)
