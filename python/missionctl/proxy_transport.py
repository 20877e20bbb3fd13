"""Proxy mode (docs/protocol.md, several hosts): bind nothing; our XPUB connects to the proxy's
frontend, one SUB to its backend, both CURVE clients with ZMTP heartbeats and a connect timeout."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable

import zmq
import zmq.asyncio

from .address import PeerSpec, proxy_endpoints
from .certs import CurveKeys
from .errors import IpcError
from .ids import subscription_prefixes
from .transport import HIGH_WATER_MARK, TransportHandlers, receive_frames, watch_monitor

_EVENTS = (
    zmq.EVENT_HANDSHAKE_SUCCEEDED
    | zmq.EVENT_DISCONNECTED
    | zmq.EVENT_HANDSHAKE_FAILED_AUTH
    | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
)


class _Link:
    """One client socket towards the proxy, kept alive. libzmq never retries a connection that failed
    authentication, so a refused socket is closed and re-created on a backoff (1 s doubling to 30 s):
    a key added to the proxy's allow directory later then works without restarting this process."""

    def __init__(self, owner: ProxyTransport, kind: int, endpoint: str, name: str) -> None:
        self.owner, self.kind, self.endpoint, self.name = owner, kind, endpoint, name
        self.sock: zmq.asyncio.Socket | None = None
        self.up = False
        self.tasks: set[asyncio.Future[None]] = set()
        self.refusals = 0
        self.last_warned = -float("inf")

    def create(self) -> None:
        o = self.owner
        assert o.ctx is not None
        sock = o.ctx.socket(self.kind)
        # Every option before connect(): CURVE keys set later do not apply to that connection.
        sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = o.keys.server, o.keys.public, o.keys.secret
        sock.setsockopt(zmq.HEARTBEAT_IVL, o.heartbeat_ms)
        sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, o.timeout_ms)
        sock.setsockopt(zmq.CONNECT_TIMEOUT, o.connect_timeout_ms)
        sock.setsockopt(zmq.RECONNECT_IVL_MAX, 1000)
        sock.setsockopt(zmq.LINGER, 0)
        if self.kind == zmq.XPUB:
            sock.setsockopt(zmq.XPUB_VERBOSER, 1)
            sock.setsockopt(zmq.SNDHWM, HIGH_WATER_MARK)
        else:
            sock.setsockopt(zmq.RCVHWM, HIGH_WATER_MARK)
            for prefix in subscription_prefixes(o.id):
                sock.setsockopt(zmq.SUBSCRIBE, prefix.encode("ascii"))
        self.sock = sock
        self.spawn(watch_monitor(sock, _EVENTS, lambda event, _ep: self.on_event(sock, event)))
        sock.connect(self.endpoint)
        if self.kind == zmq.XPUB:
            self.spawn(o.read_subscriptions(sock))
        else:
            self.spawn(receive_frames(sock, lambda frame: o.deliver(frame), o.log))

    def on_event(self, sock: zmq.asyncio.Socket, event: int) -> None:
        if sock is not self.sock or self.owner.closed:
            return  # events of a socket already replaced say nothing about the link
        if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
            self.refusals = 0
            self.set_up(True)
        elif event == zmq.EVENT_DISCONNECTED:
            self.set_up(False)
        else:
            self.refused("refused our key" if event == zmq.EVENT_HANDSHAKE_FAILED_AUTH else "failed the handshake")

    def refused(self, what: str) -> None:
        self.set_up(False)
        self.refusals += 1
        delay = min(30.0, 2.0 ** (self.refusals - 1))
        now = time.monotonic()
        if now - self.last_warned >= 10:
            self.last_warned = now
            public = self.owner.keys.public.decode()
            self.owner.log.warning(
                f"the proxy {what} on its {self.name}: add our public key {public} to its allow directory",
                extra={"fields": {"proxy": self.owner.proxy, "retry_in_s": delay}},
            )
        self.spawn(self.recreate(delay))

    async def recreate(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.owner.closed:
            return
        old = self.sock
        self.sock = None
        if old is not None:
            old.close(linger=0)
        self.create()

    def set_up(self, up: bool) -> None:
        if self.up != up:
            self.up = up
            self.owner.link_changed()

    def spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self, linger_s: float) -> None:
        for task in list(self.tasks):
            if task is not asyncio.current_task():
                task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.sock is not None:
            self.sock.close(linger=int(linger_s * 1000))


class ProxyTransport:
    """Frames come up with no peer (one SUB carries everyone's); the link to the proxy is reported
    through ``proxy_link(up)``: up once both sockets are admitted, down when either is lost."""

    def __init__(
        self,
        process_id: str,
        proxy: str,
        keys: CurveKeys,
        heartbeat_ms: int = 1000,
        timeout_ms: int = 3000,
        connect_timeout_ms: int = 1000,
        log: logging.Logger | None = None,
    ) -> None:
        self.id = process_id
        self.proxy: str | None = proxy
        frontend, backend = proxy_endpoints(proxy)
        self.address = frontend
        self.keys = keys
        self.heartbeat_ms, self.timeout_ms, self.connect_timeout_ms = heartbeat_ms, timeout_ms, connect_timeout_ms
        self.log = log or logging.getLogger("missionctl.proxy")
        self.ctx: zmq.asyncio.Context | None = None
        self.closed = False
        self._handlers: TransportHandlers | None = None
        self._pub = _Link(self, zmq.XPUB, frontend, "frontend")
        self._sub = _Link(self, zmq.SUB, backend, "backend")
        self._link_up = False
        #: Topics the proxy holds on our publisher now (a set: the proxy may repeat one on reconnect).
        self._topics: set[str] = set()

    def set_handlers(self, handlers: TransportHandlers) -> None:
        self._handlers = handlers

    async def start(self) -> None:
        self.ctx = zmq.asyncio.Context()
        self._pub.create()
        self._sub.create()

    def connect(self, peer: PeerSpec) -> None:
        """Through the proxy everyone is heard already."""

    def publish(self, frame: bytes) -> Awaitable[object]:
        sock = self._pub.sock
        if sock is None or self.closed:
            raise IpcError("NOT_STARTED", "transport not started or closed")
        return sock.send(frame, copy=len(frame) < 4096)

    async def close(self, linger_s: float = 0.2) -> None:
        if self.closed:
            return
        self.closed = True
        await self._sub.close(0)
        await self._pub.close(linger_s)
        if self.ctx is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.ctx.term)

    def deliver(self, frame: bytes) -> None:
        if self._handlers:
            self._handlers.frame(frame, None)

    async def read_subscriptions(self, sock: zmq.asyncio.Socket) -> None:
        while True:
            try:
                msg = await sock.recv()
            except (asyncio.CancelledError, zmq.ZMQError):
                return
            if not msg or msg[0] not in (0, 1) or self._handlers is None:
                continue
            topic, subscribed = msg[1:].decode("latin-1"), msg[0] == 1
            if subscribed == (topic in self._topics):
                continue
            (self._topics.add if subscribed else self._topics.discard)(topic)
            self._handlers.subscription(topic, subscribed)

    def link_changed(self) -> None:
        up = self._pub.up and self._sub.up
        if up == self._link_up:
            return
        self._link_up = up
        if not self._pub.up:
            # Our publisher's link is gone, and with it every subscription the proxy held on it.
            for topic in list(self._topics):
                self._topics.discard(topic)
                if self._handlers:
                    self._handlers.subscription(topic, False)
        if self._handlers:
            self._handlers.proxy_link(up)
