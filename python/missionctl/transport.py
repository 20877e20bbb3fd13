"""How frames travel: the ipc layout (bind our XPUB, one SUB per heard peer) over ZeroMQ.

A transport hands every frame up with the peer whose socket it came from, every subscription
message its XPUB sees (presence), and each peer link going up or down. The command system above it
is the same whatever the transport (see :mod:`missionctl.proxy_transport` and :mod:`missionctl.memory`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import os
import socket as pysocket
import struct
from collections.abc import Awaitable, Callable
from typing import Protocol

import zmq
import zmq.asyncio
from zmq.utils.monitor import parse_monitor_message

from .address import PeerSpec, command_address, plain_address_problem
from .errors import IpcError
from .ids import is_process_id, subscription_prefixes
from .ipc_dir import ensure_ipc_dir

#: Generous high-water marks: losing a command or an alert is worse than memory.
HIGH_WATER_MARK = 100_000
#: libzmq's reconnect backoff towards a heard peer that is not there: 100 ms doubling to 500 ms.
RECONNECT_IVL_MS = 100
RECONNECT_IVL_MAX_MS = 500
#: A dial on a socket file's appearance not connected this soon (bound, not yet listening) is
#: made again, a few times at most, rather than left to libzmq's interval.
QUICK_REDIALS = 3
QUICK_REDIAL_CHECK_S = 0.05

_IN_CREATE = 0x100
_IN_MOVED_TO = 0x80
_INOTIFY_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then len bytes of name


class _PeerLink:
    """What the transport knows of a heard ipc peer's link, for dialling on its file's appearance."""

    __slots__ = ("up", "redials")

    def __init__(self) -> None:
        self.up = False
        #: Quick re-dials left after a dial on the file's appearance (0: none under way).
        self.redials = 0


def inotify_dir(path: str) -> int | None:
    """A non-blocking inotify descriptor reporting files created in (or moved into) ``path``,
    through libc (the standard library has no inotify); ``None`` where there is none (not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    if libc.inotify_add_watch(fd, os.fsencode(path), _IN_CREATE | _IN_MOVED_TO) < 0:
        os.close(fd)
        return None
    return fd


def inotify_names(data: bytes) -> list[str]:
    """The file names of the inotify events in ``data``."""
    names = []
    offset = 0
    while offset + _INOTIFY_EVENT.size <= len(data):
        _wd, _mask, _cookie, length = _INOTIFY_EVENT.unpack_from(data, offset)
        start = offset + _INOTIFY_EVENT.size
        names.append(os.fsdecode(data[start : start + length].split(b"\0", 1)[0]))
        offset = start + length
    return names


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
        reconnect_ms: tuple[int, int] = (RECONNECT_IVL_MS, RECONNECT_IVL_MAX_MS),
        watch_peers: bool = True,
    ) -> None:
        self.id = process_id
        self.ipc_dir = ipc_dir
        self.address = bind_address or command_address(ipc_dir, process_id)
        #: libzmq's reconnect interval and its cap (ms) towards a heard peer that is not there.
        self.reconnect_ms = reconnect_ms
        #: Dial a heard ipc peer as soon as its socket file appears in IPC_DIR/command (inotify).
        self.watch_peers = watch_peers
        self._watch_fd: int | None = None
        #: The heard peers whose socket file is in IPC_DIR/command.
        self._links: dict[str, _PeerLink] = {}
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
        self._watch_command_dir()

    def connect(self, peer: PeerSpec) -> None:
        if self._ctx is None or self._closed or peer.id in self._subs:
            return
        address = peer.address or command_address(self.ipc_dir, peer.id)
        sub = self._ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, HIGH_WATER_MARK)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RECONNECT_IVL, self.reconnect_ms[0])
        sub.setsockopt(zmq.RECONNECT_IVL_MAX, self.reconnect_ms[1])
        for prefix in subscription_prefixes(self.id):
            sub.setsockopt(zmq.SUBSCRIBE, prefix.encode("ascii"))
        self._subs[peer.id] = sub
        link = _PeerLink()
        if not peer.address:
            self._links[peer.id] = link

        def on_event(event: int, _endpoint: bytes) -> None:
            link.up = event == zmq.EVENT_CONNECTED
            if link.up:
                link.redials = 0
            if self._handlers and not self._closed:
                self._handlers.peer_link(peer.id, link.up)

        # The monitor exists before connect(), or a fast connection's event is missed. Not the
        # retry events: those come every 500 ms while a heard peer is absent, a sleeping process's CPU.
        self._spawn(watch_monitor(sub, zmq.EVENT_CONNECTED | zmq.EVENT_DISCONNECTED, on_event))
        sub.connect(address)
        self._spawn(receive_frames(sub, lambda frame: self._deliver(frame, peer.id), self._log))
        if not peer.address:
            self._watch_command_dir()

    def _watch_command_dir(self) -> None:
        """Watches IPC_DIR/command once a heard peer has its socket file there, so that its
        appearance is dialled at once rather than at libzmq's next attempt (up to 500 ms later). No
        inotify (not Linux): libzmq's backoff alone finds the peer, as before."""
        if not self.watch_peers or self._watch_fd is not None or self._closed or not self._links:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # connected from outside the event loop: start() watches later
        fd = inotify_dir(os.path.join(self.ipc_dir, "command"))
        if fd is None:
            return
        self._watch_fd = fd
        loop.add_reader(fd, self._on_command_dir)

    def _on_command_dir(self) -> None:
        names: list[str] = []
        while True:
            try:
                data = os.read(self._watch_fd, 65536) if self._watch_fd is not None else b""
            except OSError:  # BlockingIOError: all read
                break
            if not data:
                break
            names += inotify_names(data)
        for name in names:
            peer_id = name[: -len(".ipc")] if name.endswith(".ipc") else ""
            link = self._links.get(peer_id) if is_process_id(peer_id) else None
            # Up, or dialled for this appearance already.
            if link is None or link.up or link.redials > 0 or self._closed:
                continue
            link.redials = QUICK_REDIALS
            self._dial(peer_id, link)

    def _check_dial(self, peer_id: str, link: _PeerLink) -> None:
        """A dial on the file's appearance has not connected yet: a bind caught before its listen.
        Dial again now rather than at libzmq's next attempt, a few times at most."""
        path = command_address(self.ipc_dir, peer_id)[len("ipc://") :]
        if link.up or self._closed or link.redials <= 0 or not os.path.exists(path):
            link.redials = 0
            return
        link.redials -= 1
        self._dial(peer_id, link)

    def _dial(self, peer_id: str, link: _PeerLink) -> None:
        """Disconnect + connect: libzmq drops its pending reconnect and dials now. Only while the
        link is down, so no connection (nor a frame on it) is lost; the subscriptions stay set."""
        sub = self._subs.get(peer_id)
        if sub is None:
            return
        address = command_address(self.ipc_dir, peer_id)
        self._log.debug("dialling %s now: its socket file appeared", peer_id)
        with contextlib.suppress(zmq.ZMQError):
            sub.disconnect(address)
        sub.connect(address)
        asyncio.get_running_loop().call_later(QUICK_REDIAL_CHECK_S, self._check_dial, peer_id, link)

    def publish(self, frame: bytes) -> Awaitable[object]:
        if self._pub is None or self._closed:
            raise IpcError("NOT_STARTED", "transport not started or closed")
        return self._pub.send(frame, copy=len(frame) < 4096)

    async def close(self, linger_s: float = 0.2) -> None:
        if self._closed:
            return
        self._closed = True
        if self._watch_fd is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._watch_fd)
            os.close(self._watch_fd)
            self._watch_fd = None
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
