"""An in-memory transport for unit tests: the same semantics as ZeroMQ's (prefix-filtered delivery to
the processes that hear the sender, presence from subscriptions, peer links), in one event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from .address import PeerSpec
from .errors import IpcError
from .ids import subscription_prefixes
from .transport import TransportHandlers


class MemoryHub:
    """The shared medium: processes by id, and who hears whom.

    >>> hub = MemoryHub()
    >>> a, b = hub.transport("a"), hub.transport("b")
    """

    def __init__(self) -> None:
        self.bound: dict[str, MemoryTransport] = {}
        #: sender id → the transports that hear it
        self.listeners: dict[str, set[MemoryTransport]] = {}

    def transport(self, process_id: str) -> MemoryTransport:
        return MemoryTransport(process_id, self)


class MemoryTransport:
    proxy: str | None = None

    def __init__(self, process_id: str, hub: MemoryHub) -> None:
        self.id = process_id
        self.address = f"memory://{process_id}"
        self.hub = hub
        self.heard: set[str] = set()
        self.closed = False
        self._handlers: TransportHandlers | None = None
        self._prefixes = tuple(p.encode("ascii") for p in subscription_prefixes(process_id))

    def set_handlers(self, handlers: TransportHandlers) -> None:
        self._handlers = handlers

    async def start(self) -> None:
        if self.id in self.hub.bound:
            raise IpcError("ADDRESS_IN_USE", f"{self.id} is bound already")
        self.hub.bound[self.id] = self
        for listener in list(self.hub.listeners.get(self.id, ())):
            listener._link(self, True)

    def connect(self, peer: PeerSpec) -> None:
        if peer.id in self.heard or self.closed:
            return
        self.heard.add(peer.id)
        self.hub.listeners.setdefault(peer.id, set()).add(self)
        publisher = self.hub.bound.get(peer.id)
        if publisher is not None:
            self._link(publisher, True)

    def publish(self, frame: bytes) -> Awaitable[object]:
        if self.closed or self.hub.bound.get(self.id) is not self:
            raise IpcError("NOT_STARTED", "transport not started or closed")
        loop = asyncio.get_running_loop()
        for listener in list(self.hub.listeners.get(self.id, ())):
            if not listener.closed and frame.startswith(listener._prefixes):
                loop.call_soon(listener._deliver, frame, self.id)
        done = loop.create_future()
        done.set_result(None)
        return done

    async def close(self, linger_s: float = 0.2) -> None:
        if self.closed:
            return
        self.closed = True
        if self.hub.bound.get(self.id) is self:
            del self.hub.bound[self.id]
            for listener in list(self.hub.listeners.get(self.id, ())):
                listener._link(self, False)
        for pid in self.heard:
            self.hub.listeners.get(pid, set()).discard(self)
            publisher = self.hub.bound.get(pid)
            if publisher is not None:
                publisher._subscribed(self, False)

    def _link(self, publisher: MemoryTransport, up: bool) -> None:
        """Our SUB towards ``publisher`` connected (or lost): both ends learn of it."""
        if self._handlers:
            self._handlers.peer_link(publisher.id, up)
        if up:
            publisher._subscribed(self, True)

    def _subscribed(self, listener: MemoryTransport, up: bool) -> None:
        if self._handlers and not self.closed:
            for prefix in subscription_prefixes(listener.id):
                self._handlers.subscription(prefix, up)

    def _deliver(self, frame: bytes, peer: str) -> None:
        if self._handlers and not self.closed:
            self._handlers.frame(frame, peer)
