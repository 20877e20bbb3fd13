"""What every command line of the package does first: parse, print help, refuse bad usage (exit 2)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from .config import Settings, load_settings
from .errors import ConfigError, UsageError, quote

T = TypeVar("T")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parser(prog: str) -> argparse.ArgumentParser:
    """An argparse parser that raises :class:`UsageError` instead of printing and exiting."""
    p = _Parser(prog=prog, add_help=False, allow_abbrev=False)
    p.add_argument("-h", "--help", action="store_true")
    return p


def milliseconds(flag: str, raw: str | None, default: int, low: int, high: int) -> int:
    """An integer number of ms from ``low`` to ``high``, or the default; anything else is bad usage."""
    if raw is None:
        return default
    if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
        kind = "a positive" if low > 0 else "a non-negative"
        raise UsageError(f"{flag} takes {kind} integer (ms) of at most {high}, not {quote(raw)}")
    return int(raw)


def preamble(name: str, usage: str, argv: list[str], parse: Callable[[list[str]], T | None]) -> tuple[T, Settings] | int:
    """The parsed arguments and settings, or the exit code: 0 after ``--help``, 2 on bad usage or a
    bad configuration value (one line each)."""
    try:
        parsed = parse(argv)
    except UsageError as err:
        print(f"missionctl {name}: {err}\n\n{usage}", file=sys.stderr)
        return 2
    if parsed is None:
        print(usage)
        return 0
    try:
        return parsed, load_settings()
    except ConfigError as err:
        for problem in err.problems:
            print(f"missionctl {name}: {problem}", file=sys.stderr)
        return 2
