"""Recently seen command ids, so a re-sent command is answered from memory, not executed twice."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class SeenEntry:
    __slots__ = ("at", "last_reply")

    def __init__(self, at: float) -> None:
        self.at = at
        #: The last reply frame sent for this command, sent again for a repeat.
        self.last_reply: bytes | None = None


class SeenCache:
    """Command ids seen in the last ``ttl_s`` (default 10 minutes, docs/protocol.md), at most ``max`` of them.

    >>> seen = SeenCache()
    >>> seen.get("cli_1_1") is None
    True
    >>> seen.add("cli_1_1").last_reply is None
    True
    """

    def __init__(self, ttl_s: float = 600.0, max_entries: int = 200_000, clock: Callable[[], float] = time.monotonic):
        self._entries: OrderedDict[str, SeenEntry] = OrderedDict()
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, command_id: str) -> SeenEntry | None:
        entry = self._entries.get(command_id)
        if entry is not None and self._clock() - entry.at > self._ttl_s:
            del self._entries[command_id]
            return None
        return entry

    def add(self, command_id: str) -> SeenEntry:
        now = self._clock()
        cutoff = now - self._ttl_s
        while self._entries:  # insertion order is age order
            oldest = next(iter(self._entries.values()))
            if oldest.at >= cutoff and len(self._entries) < self._max:
                break
            self._entries.popitem(last=False)
        entry = SeenEntry(now)
        self._entries[command_id] = entry
        return entry
