"""Logging as the TypeScript side does it: one JSON object a line (pino's fields), to a stream."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import IO, Any

#: pino's level names → logging's levels (trace is below debug; silent above everything).
LEVELS = {"trace": 5, "debug": 10, "info": 20, "warn": 30, "error": 40, "fatal": 50, "silent": 100}
_PINO = {5: 10, 10: 20, 20: 30, 30: 40, 40: 50, 50: 60}


class JsonFormatter(logging.Formatter):
    """``{"level":30,"time":…,"pid":…,"name":…,"msg":…}`` plus the record's ``fields`` (pino's numbers)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": _PINO.get(record.levelno, 30),
            "time": int(record.created * 1000),
            "pid": os.getpid(),
            "name": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["err"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False, separators=(",", ":"))


def create_logger(name: str = "missionctl", level: str = "info", stream: IO[str] | None = None) -> logging.Logger:
    """A logger writing JSON lines to ``stream`` (default stdout) at the pino ``level`` given.

    >>> log = create_logger("mm1", "warn")
    >>> log.isEnabledFor(logging.INFO)
    False
    """
    logging.addLevelName(5, "TRACE")
    logger = logging.getLogger(name)
    logger.handlers.clear()
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(LEVELS.get(level, 20))
    logger.propagate = False
    return logger


def default_logger(level: str) -> logging.Logger:
    """The logger a runtime uses when given none: the application's own logging if it configured
    any (handlers on the root logger), else JSON lines on stdout at ``level`` (LOG_LEVEL)."""
    if logging.getLogger().handlers:
        logger = logging.getLogger("missionctl")
        logger.propagate = True  # to the application's handlers
        return logger
    return create_logger("missionctl", level)


def silent_logger(name: str = "missionctl.silent") -> logging.Logger:
    logger = logging.getLogger(name)
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


def monotonic_ms() -> float:
    return time.monotonic() * 1000
