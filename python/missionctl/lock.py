"""A lock file holding its owner's pid, the same format and takeover rule as the TypeScript side's
(src/pid-lock.ts): ``send`` in Python and in TypeScript serialize on the same IPC_DIR/locks/{id}.lock.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

from .errors import LockTimeoutError
from .ipc_dir import ensure_ipc_dir, secure_dir


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True  # it exists, as another user's
    except ProcessLookupError:
        return False


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _pid_of(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    pid = int(text.strip())
    return pid if pid > 0 else None


def _create_exclusive(path: str) -> bool:
    """Creates ``path`` holding our pid, whole or not at all (written aside, then hard-linked)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, str(os.getpid()).encode())
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _unlink_if_unchanged(path: str, text: str) -> None:
    if _read(path) == text:
        try:
            os.unlink(path)
        except OSError:
            pass


def _take_over(path: str, stale: str) -> bool:
    """Removes a dead owner's lock under the guard ``path.takeover``, so two takers never remove each
    other's fresh lock; ``False`` when another process holds the guard (try again)."""
    guard = f"{path}.takeover"
    if not _create_exclusive(guard):
        text = _read(guard)
        pid = _pid_of(text)
        if text is not None and (pid is None or not _alive(pid)):
            _unlink_if_unchanged(guard, text)
        return False
    try:
        _unlink_if_unchanged(path, stale)
    finally:
        os.unlink(guard)
    return True


def try_pid_lock(path: str) -> Callable[[], None] | int | None:
    """One attempt: the release function when taken, the holder's pid when a live process holds it,
    ``None`` when another taker is removing a stale lock right now."""
    while True:
        if _create_exclusive(path):

            def release() -> None:
                if _pid_of(_read(path)) == os.getpid():
                    os.unlink(path)

            return release
        text = _read(path)
        if text is None:
            continue
        holder = _pid_of(text)
        if holder is not None and _alive(holder):
            return holder
        if not _take_over(path, text):
            return None


async def acquire_id_lock(
    ipc_dir: str, process_id: str, timeout_s: float = 60.0, on_wait: Callable[[int], None] | None = None
) -> Callable[[], None]:
    """Takes IPC_DIR/locks/{id}.lock, waiting while a live process holds it; returns the release."""
    ensure_ipc_dir(ipc_dir)
    locks = os.path.join(ipc_dir, "locks")
    secure_dir(locks)
    path = os.path.join(locks, f"{process_id}.lock")
    deadline = time.monotonic() + timeout_s
    told = False
    while True:
        attempt = try_pid_lock(path)
        if callable(attempt):
            return attempt
        if attempt is None:
            await asyncio.sleep(0.005)
            continue
        if time.monotonic() > deadline:
            raise LockTimeoutError(path, attempt)
        if not told and on_wait:
            told = True
            on_wait(attempt)
        await asyncio.sleep(0.025)
