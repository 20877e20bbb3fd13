"""Who hears this process right now, read off the XPUB subscription messages (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Callable

from .ids import is_process_id, target_matches


class Presence:
    """Process ``p`` subscribing ``p.`` means it is connected; its last unsubscription means it is gone.
    Counted: two sockets may carry one id (a restarted process overlapping its predecessor).

    >>> seen = []
    >>> p = Presence(lambda pid, up: seen.append((pid, up)))
    >>> p.update("mm1.", True); p.update("*.", True); p.update("mm1.", False)
    >>> seen
    [('mm1', True), ('mm1', False)]
    """

    def __init__(self, on_change: Callable[[str, bool], None] = lambda _id, _up: None) -> None:
        self._counts: dict[str, int] = {}
        self._on_change = on_change

    def update(self, topic: str, subscribed: bool) -> None:
        if not topic.endswith("."):
            return
        pid = topic[:-1]
        if not is_process_id(pid):
            return  # `*.` and `mm*.` say nothing about who is there
        before = self._counts.get(pid, 0)
        after = max(0, before + (1 if subscribed else -1))
        if after:
            self._counts[pid] = after
        else:
            self._counts.pop(pid, None)
        if before == 0 and after > 0:
            self._on_change(pid, True)
        elif before > 0 and after == 0:
            self._on_change(pid, False)

    def has(self, pid: str) -> bool:
        return pid in self._counts

    def ids(self) -> list[str]:
        return sorted(self._counts)

    def matching(self, target: str) -> list[str]:
        """The connected processes a target (``mm1``, ``*``, ``mm*``) reaches."""
        return [pid for pid in self.ids() if target_matches(target, pid)]
