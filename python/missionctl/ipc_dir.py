"""The IPC directory must be ours alone before anything binds or connects there (docs/security.md)."""

from __future__ import annotations

import os
import stat

from .errors import UnsafeIpcDirError


def _problem(path: str, st: os.stat_result) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link; remove it (missionctl makes its own directory)"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a directory; remove it or set MISSIONCTL_IPC_DIR elsewhere"
    uid = os.getuid()
    if st.st_uid != uid:
        return (
            f"belongs to uid {st.st_uid}, not to you (uid {uid}); remove it or set MISSIONCTL_IPC_DIR "
            "to a directory of your own"
        )
    if st.st_mode & 0o077:
        return f"has mode {st.st_mode & 0o777:03o}, open to group or others; run `chmod 700 {path}`"
    return None


def secure_dir(path: str) -> None:
    """Creates ``path`` 0700, or checks that the one there is a real directory of ours open to nobody
    else. Never chmods: whoever could write it may already have planted a socket in it.

    Raises :class:`UnsafeIpcDirError` naming what is wrong and how to fix it.
    """
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    problem = _problem(path, os.lstat(path))
    if problem:
        raise UnsafeIpcDirError(path, problem)


def ensure_ipc_dir(ipc_dir: str) -> str:
    """Checks (or creates 0700) IPC_DIR and IPC_DIR/command; returns the command directory.

    >>> import tempfile; d = tempfile.mkdtemp()
    >>> ensure_ipc_dir(d + "/ipc").endswith("/ipc/command")
    True
    """
    if not os.path.lexists(ipc_dir):
        os.makedirs(ipc_dir, mode=0o700, exist_ok=True)
    secure_dir(ipc_dir)
    command_dir = os.path.join(ipc_dir, "command")
    secure_dir(command_dir)
    return command_dir
