"""Counting dropped frames by reason, logged at warn level at a bounded rate."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from .codec import DROP_REASONS
from .errors import FrameError


class DropCounter:
    """Counts dropped frames by reason (and frames whose handling raised); at most one warning a second,
    so a flood of garbage neither floods the log nor slows the receiver.

    >>> drops = DropCounter(logging.getLogger("x"))
    >>> drops.record(FrameError("too_short", "frame of 3 bytes has no full topic"), "mm1")
    >>> drops.counts["too_short"], drops.total
    (1, 1)
    """

    def __init__(
        self, log: logging.Logger, clock: Callable[[], float] = time.monotonic, interval_s: float = 1.0
    ) -> None:
        self.counts: dict[str, int] = {reason: 0 for reason in DROP_REASONS}
        self.handling_failures = 0
        self._log = log
        self._clock = clock
        self._interval_s = interval_s
        self._last_log_at = -float("inf")
        self._suppressed = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def record(self, error: FrameError, peer: str | None) -> None:
        self.counts[error.reason] += 1
        self._warn(f"dropped frame: {error}", peer=peer, reason=error.reason)

    def failed(self, error: BaseException, peer: str | None) -> None:
        """A frame that decoded but whose handling raised: dropped, counted, logged; the loop goes on."""
        self.handling_failures += 1
        self._warn(f"frame handling failed, frame dropped: {error!r}", peer=peer, reason="handler_threw")

    def _warn(self, message: str, **fields: object) -> None:
        now = self._clock()
        if now - self._last_log_at < self._interval_s:
            self._suppressed += 1
            return
        self._last_log_at = now
        fields.update(suppressed=self._suppressed, dropped=dict(self.counts), handling_failures=self.handling_failures)
        self._log.warning(message, extra={"fields": fields})
        self._suppressed = 0
