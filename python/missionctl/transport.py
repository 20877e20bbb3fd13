"""How frames travel: the ipc layout (bind our XPUB, one SUB per heard peer) over ZeroMQ.

A transport hands every frame up with the peer whose socket it came from, every subscription
message its XPUB sees (presence), and each peer link going up or down. The command system above it
is the same whatever the transport (see :mod:`missionctl.proxy_transport` and :mod:`missionctl.memory`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket as pysocket
from collections.abc import Awaitable, Callable
from typing import Protocol

import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from .address import PeerSpec, command_address, plain_address_problem
from .errors import IpcError
from .ids import subscription_prefixes
from .ipc_dir import ensure_ipc_dir

#: Generous high-water marks: losing a command or an alert is worse than memory.
HIGH_WATER_MARK = 100_000


class TransportHandlers(Protocol):
    def frame(self, frame: bytes, peer: str | None) -> None: ...
    def subscription(self, topic: str, subscribed: bool) -> None: ...
    def peer_link(self, peer: str, up: bool) -> None: ...
    def proxy_link(self, up: bool) -> None: ...


class Transport(Protocol):
    id: str
    #: Where this process publishes.
    address: str
    #: The proxy's address in proxy mode, else ``None``.
    proxy: str | None

    def set_handlers(self, handlers: TransportHandlers) -> None: ...
    async def start(self) -> None: ...
    def connect(self, peer: PeerSpec) -> None: ...
    def publish(self, frame: bytes) -> Awaitable[object]: ...
    async def close(self, linger_s: float = 0.2) -> None: ...


def ipc_path(address: str) -> str | None:
    return address[len("ipc://") :] if address.startswith("ipc://") else None


def assert_ipc_address_free(path: str) -> None:
    """libzmq's bind silently replaces a socket file: refuse where a live process listens (same id?)."""
    probe = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        return  # no file, or a stale one left by a dead process: free to bind
    except OSError:
        return
    finally:
        probe.close()
    raise IpcError("ADDRESS_IN_USE", f"another live process is bound at ipc://{path} (same process id?)", path=path)


async def receive_frames(sock: zmq.asyncio.Socket, deliver: Callable[[bytes], None], log: logging.Logger) -> None:
    """One receive loop per socket. A frame whose handling raises never ends the loop."""
    while True:
        try:
            frame = await sock.recv()
        except (asyncio.CancelledError, zmq.ContextTerminated, zmq.ZMQError):
            return
        try:
            deliver(frame)
        except Exception:  # noqa: BLE001 - the command system counts these; this is the last guard
            log.exception("frame handling failed")


def watch_monitor(
    sock: zmq.asyncio.Socket, events: int, on_event: Callable[[int, bytes], None]
) -> Awaitable[None]:
    """Reads a socket's monitor events (``(event, endpoint)``) until the socket closes. The monitor
    is made now, before the caller connects: made later, a fast connection's event would be missed."""
    monitor = sock.get_monitor_socket(events)

    async def read() -> None:
        try:
            while True:
                try:
                    msg = parse_monitor_message(await monitor.recv_multipart())
                except (asyncio.CancelledError, zmq.ZMQError):
                    return
                on_event(msg["event"], msg["endpoint"])
        finally:
            with contextlib.suppress(zmq.ZMQError):
                sock.disable_monitor()
            monitor.close(linger=0)

    return read()


class ZmqTransport:
    """The one-machine layout (docs/protocol.md): our XPUB bound at ``ipc://IPC_DIR/command/{id}.ipc``
    (or a loopback tcp ``bind_address``), one SUB connected to each process we hear.

    >>> t = ZmqTransport("mm1", ipc_dir="/tmp/missionctl")
    >>> t.address
    'ipc:///tmp/missionctl/command/mm1.ipc'
    """

    proxy: str | None = None

    def __init__(
        self,
        process_id: str,
        ipc_dir: str = "/tmp/missionctl",
        bind_address: str | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        self.id = process_id
        self.ipc_dir = ipc_dir
        self.address = bind_address or command_address(ipc_dir, process_id)
        self._log = log or logging.getLogger("missionctl.transport")
        self._handlers: TransportHandlers | None = None
        self._ctx: zmq.asyncio.Context | None = None
        self._pub: zmq.asyncio.Socket | None = None
        self._subs: dict[str, zmq.asyncio.Socket] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._inode: int | None = None
        self._closed = False

    def set_handlers(self, handlers: TransportHandlers) -> None:
        self._handlers = handlers

    async def start(self) -> None:
        path = ipc_path(self.address)
        if path is not None:
            if self.address == command_address(self.ipc_dir, self.id):
                ensure_ipc_dir(self.ipc_dir)
            assert_ipc_address_free(path)
        else:
            problem = plain_address_problem(self.address)
            if problem:
                raise IpcError("INSECURE_ADDRESS", problem, address=self.address)
        self._ctx = zmq.asyncio.Context()
        pub = self._ctx.socket(zmq.XPUB)
        pub.setsockopt(zmq.XPUB_VERBOSER, 1)  # every subscription and unsubscription: presence
        pub.setsockopt(zmq.SNDHWM, HIGH_WATER_MARK)
        pub.setsockopt(zmq.LINGER, 0)
        try:
            pub.bind(self.address)
        except zmq.ZMQError as err:
            pub.close(linger=0)
            raise IpcError("BIND_FAILED", f"cannot bind {self.address}: {err}", address=self.address) from err
        self._pub = pub
        if path is not None:
            with contextlib.suppress(OSError):
                self._inode = os.stat(path).st_ino
        self._spawn(self._read_subscriptions(pub))

    def connect(self, peer: PeerSpec) -> None:
        if self._ctx is None or self._closed or peer.id in self._subs:
            return
        address = peer.address or command_address(self.ipc_dir, peer.id)
        sub = self._ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, HIGH_WATER_MARK)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RECONNECT_IVL_MAX, 500)
        for prefix in subscription_prefixes(self.id):
            sub.setsockopt(zmq.SUBSCRIBE, prefix.encode("ascii"))
        self._subs[peer.id] = sub

        def on_event(event: int, _endpoint: bytes) -> None:
            if self._handlers and not self._closed:
                self._handlers.peer_link(peer.id, event == zmq.EVENT_CONNECTED)

        # The monitor exists before connect(), or a fast connection's event is missed.
        self._spawn(watch_monitor(sub, zmq.EVENT_CONNECTED | zmq.EVENT_DISCONNECTED, on_event))
        sub.connect(address)
        self._spawn(receive_frames(sub, lambda frame: self._deliver(frame, peer.id), self._log))

    def publish(self, frame: bytes) -> Awaitable[object]:
        if self._pub is None or self._closed:
            raise IpcError("NOT_STARTED", "transport not started or closed")
        return self._pub.send(frame, copy=len(frame) < 4096)

    async def close(self, linger_s: float = 0.2) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pub is not None:
            self._pub.setsockopt(zmq.LINGER, int(linger_s * 1000))
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for sub in self._subs.values():
            sub.close(linger=0)
        if self._pub is not None:
            self._pub.close()
        if self._ctx is not None:
            # term() waits for the publisher's linger: the last frames (stopped, the final ok) leave.
            await asyncio.get_running_loop().run_in_executor(None, self._ctx.term)
        path = ipc_path(self.address)
        if path is not None and self._inode is not None:
            with contextlib.suppress(OSError):
                if os.stat(path).st_ino == self._inode:
                    os.unlink(path)  # ours, not a successor's

    def _deliver(self, frame: bytes, peer: str | None) -> None:
        if self._handlers:
            self._handlers.frame(frame, peer)

    async def _read_subscriptions(self, pub: zmq.asyncio.Socket) -> None:
        while True:
            try:
                msg = await pub.recv()
            except (asyncio.CancelledError, zmq.ZMQError):
                return
            if msg and msg[0] in (0, 1) and self._handlers:
                self._handlers.subscription(msg[1:].decode("latin-1"), msg[0] == 1)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
