"""The IPC command system (docs/protocol.md): publish at our own address, hear the processes we
connect to, run registered handlers once per command id, and correlate replies by command id."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from .address import PeerSpec, parse_peer_spec, plain_address_problem
from .codec import DEFAULT_MAX_FRAME_BYTES, Command, Outbox, decode_frame, read_reply
from .drops import DropCounter
from .errors import FrameError, IpcError
from .handlers import EVENT_TYPES, Handler, Incoming, error_message, unknown_type
from .ids import assert_command_type, assert_process_id, is_group_target, target_matches
from .log import silent_logger
from .presence import Presence
from .request import PendingRequest, RequestOptions, RequestResult
from .seen import SeenCache, SeenEntry
from .transport import Transport

class CommandSystem:
    """
    >>> async def main():
    ...     ipc = CommandSystem(ZmqTransport("cli", ipc_dir="/tmp/missionctl"))
    ...     await ipc.start()
    ...     ipc.connect_to_process("mm1")
    ...     result = await ipc.request("mm1", "ping", {})
    ...     print(result.terminal["mm1"].result)   # {'state': 'sleeping'}
    """

    def __init__(
        self,
        transport: Transport,
        log: logging.Logger | None = None,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        seen_ttl_s: float = 600.0,
    ) -> None:
        self.id = assert_process_id(transport.id)
        self.transport = transport
        self.log = log or silent_logger()
        self.drops = DropCounter(self.log)
        self.seen = SeenCache(ttl_s=seen_ttl_s)
        self.presence = Presence(self._on_presence)
        self._outbox = Outbox(self.id, max_frame_bytes)
        self._handlers: dict[str, Handler] = {}
        self._pending: dict[str, PendingRequest] = {}
        self._links: set[str] = set()
        self._heard: dict[str, PeerSpec] = {}
        self._watchers: set[Callable[[], None]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.proxy_link_up = False
        self._state = "new"
        transport.set_handlers(self)

    # --- life ------------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._state != "new":
            raise IpcError("CLOSED", f"command system {self.id} was already started")
        await self.transport.start()
        self._state = "started"

    @property
    def started(self) -> bool:
        return self._state == "started"

    async def stop(self, linger_s: float = 0.2) -> None:
        """Closes the sockets after ``linger_s`` for queued frames; pending requests fail with CLOSED."""
        if self._state == "stopped":
            return
        self._state = "stopped"
        for pending in list(self._pending.values()):
            pending.abort_with(IpcError("CLOSED", "command system stopped"))
        for task in list(self._tasks):
            task.cancel()
        await self.transport.close(linger_s)

    async def drain(self, timeout_s: float) -> None:
        """Waits (at most ``timeout_s``) for the handlers and replies in flight."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    def connect_to_process(self, spec: str | PeerSpec) -> None:
        """Hears a process: ``mm1`` (ipc) or ``mm1=tcp://127.0.0.1:7001``. Idempotent."""
        peer = parse_peer_spec(spec) if isinstance(spec, str) else spec
        assert_process_id(peer.id)
        problem = plain_address_problem(peer.address) if peer.address is not None else None
        if problem:
            raise IpcError("INSECURE_ADDRESS", problem, address=peer.address)
        if peer.id == self.id or peer.id in self._heard:
            return
        self._heard[peer.id] = peer
        self.transport.connect(peer)

    def heard_processes(self) -> list[str]:
        return sorted(self._heard)

    def register_handler(self, command_type: str, handler: Handler) -> None:
        assert_command_type(command_type)
        if command_type == "reply":
            raise IpcError("INVALID_ID", "replies are correlated, not handled")
        self._handlers[command_type] = handler

    # --- sending ---------------------------------------------------------------------------------
    async def send_command(self, target: str, command_type: str, payload: dict[str, Any] | None = None) -> Command:
        """Publishes one command and returns it; no reply is awaited."""
        command = self._outbox.build(target, command_type, payload or {})
        await self._publish(self._outbox.encode(command))
        return command

    def request(
        self, target: str, command_type: str, payload: dict[str, Any] | None = None, **options: Any
    ) -> asyncio.Future[RequestResult]:
        """Sends a command and collects the replies carrying its id (interim ``accepted``, one terminal
        reply per process), re-sending the same frame until then. Options: see :class:`RequestOptions`."""
        if self._state != "started":
            raise IpcError("NOT_STARTED", "command system not started")
        command = self._outbox.build(target, command_type, payload or {})
        frame = self._outbox.encode(command)
        pending = PendingRequest(
            command, frame, self, RequestOptions(**options), lambda: self._pending.pop(command.command_id, None)
        )
        self._pending[command.command_id] = pending
        pending.start()
        return pending.future

    def reachable(self, pid: str) -> bool:
        """``pid`` hears us (presence) and we hear it (its link, or in proxy mode the proxy's)."""
        if not self.presence.has(pid):
            return False
        return self.proxy_link_up if self.transport.proxy is not None else pid in self._links

    def present(self, target: str) -> list[str]:
        return self.presence.matching(target)

    def publish(self, frame: bytes) -> Awaitable[object]:
        return self.transport.publish(frame)

    async def wait_until_reachable(self, ids: list[str], timeout_s: float) -> list[str]:
        """Waits until every id is reachable, or ``timeout_s``; returns those still unreachable."""
        changed = asyncio.Event()
        watcher = changed.set
        self._watchers.add(watcher)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        try:
            while (missing := [i for i in ids if not self.reachable(i)]) and loop.time() < deadline:
                changed.clear()
                try:
                    await asyncio.wait_for(changed.wait(), deadline - loop.time())
                except asyncio.TimeoutError:
                    pass
            return missing
        finally:
            self._watchers.discard(watcher)

    async def _publish(self, frame: bytes) -> None:
        if self._state != "started":
            raise IpcError("NOT_STARTED", "command system not started")
        await self.transport.publish(frame)

    async def reply(
        self, command: Command, entry: SeenEntry, status: str, result: Any = None, error: str | None = None
    ) -> None:
        """Publishes a reply to ``command`` and remembers it as the one to repeat for a re-send."""
        sent = self._send_reply(command, entry, status, result, error)
        if sent is not None:
            await sent

    def _send_reply(
        self, command: Command, entry: SeenEntry, status: str, result: Any = None, error: str | None = None
    ) -> Awaitable[object] | None:
        payload: dict[str, Any] = {"reply_to": command.command_id, "status": status}
        if result is not None:
            payload["result"] = result
        if error is not None:
            payload["error"] = error
        try:
            frame = self._outbox.encode(self._outbox.build(command.sender_id, "reply", payload))
        except IpcError as err:
            if status == "error":
                raise
            # An oversized or non-JSON result becomes an error reply instead of silence.
            return self._send_reply(command, entry, "error", error=f"reply not sent: {err}")
        entry.last_reply = frame
        return self.transport.publish(frame) if self._state == "started" else None

    # --- receiving (TransportHandlers) -----------------------------------------------------------
    def frame(self, frame: bytes, peer: str | None) -> None:
        """One frame, isolated: whatever a handler or callback raises drops this frame only."""
        try:
            self._handle_frame(frame, peer)
        except Exception as err:  # noqa: BLE001
            self.drops.failed(err, peer)

    def subscription(self, topic: str, subscribed: bool) -> None:
        self.presence.update(topic, subscribed)

    def peer_link(self, peer: str, up: bool) -> None:
        (self._links.add if up else self._links.discard)(peer)
        self._notify(peer, up)

    def proxy_link(self, up: bool) -> None:
        self.proxy_link_up = up
        for pid in self.presence.ids():
            self._notify(pid, up)
        if not self.presence.ids():
            self._notify("", up)

    def _on_presence(self, pid: str, up: bool) -> None:
        self.log.debug("process connected" if up else "process disconnected", extra={"fields": {"peer": pid}})
        self._notify(pid, up)

    def _notify(self, pid: str, up: bool) -> None:
        for pending in list(self._pending.values()):
            pending.on_peer(pid, up)
        for watcher in list(self._watchers):
            watcher()

    def _handle_frame(self, frame: bytes, peer: str | None) -> None:
        command = decode_frame(frame, self._outbox.max_frame_bytes)
        if isinstance(command, FrameError):
            self.drops.record(command, peer)
            return
        if peer is not None and command.sender_id != peer:
            # A process may speak only for itself: a body claiming another sender is forged.
            self.drops.record(FrameError("sender_mismatch", f"frame from {peer} claims to be from {command.sender_id}"), peer)
            return
        if not target_matches(command.target_id, self.id):
            return
        if peer is None and command.sender_id == self.id and self.transport.proxy is not None:
            return  # through the proxy we hear our own group commands; never run them
        if command.command_type == "reply":
            reply = read_reply(command)
            pending = self._pending.get(reply["reply_to"]) if reply else None
            if pending is not None and reply is not None:
                pending.on_reply(command.sender_id, reply, command)
            return
        seen = self.seen.get(command.command_id)
        if seen is not None:
            if seen.last_reply is not None and self._state == "started":
                self._watch(self.transport.publish(seen.last_reply))
            return
        handler = self._handlers.get(command.command_type)
        if handler is None:
            if is_group_target(command.target_id) or command.command_type in EVENT_TYPES:
                return
            handler = unknown_type
        self._execute(command, handler)

    def _execute(self, command: Command, handler: Handler) -> None:
        entry = self.seen.add(command.command_id)
        incoming = Incoming(command, self, entry)
        try:
            outcome = handler(incoming)
        except Exception as err:  # noqa: BLE001 - a raising handler is an error reply
            self._watch(self._send_reply(command, entry, "error", error=error_message(err)))
            return
        if inspect.isawaitable(outcome):
            self._watch(self._finish_async(incoming, entry, outcome))
        else:
            # A plain function's reply goes out now, without a task (one loop pass less per command).
            self._watch(self._terminal(command, entry, outcome))

    async def _finish_async(self, command: Command, entry: SeenEntry, outcome: Awaitable[Any]) -> None:
        try:
            result = await outcome
        except asyncio.CancelledError:
            raise
        except Exception as err:  # noqa: BLE001
            await self.reply(command, entry, "error", error=error_message(err))
            return
        sent = self._terminal(command, entry, result)
        if sent is not None:
            await sent

    def _terminal(self, command: Command, entry: SeenEntry, result: Any) -> Awaitable[object] | None:
        if result is not None and not isinstance(result, dict):
            return self._send_reply(command, entry, "error", error=f"handler returned {type(result).__name__}, not a dict")
        return self._send_reply(command, entry, "ok", result=result or {})

    def _watch(self, awaitable: Awaitable[Any] | None) -> None:
        """Keeps a reference to work in flight (for :meth:`drain` and :meth:`stop`); logs its failure."""
        if awaitable is None:
            return
        task = asyncio.ensure_future(awaitable)
        if task.done():
            self._settled(task)
            return
        self._tasks.add(task)
        task.add_done_callback(self._settled)

    def _settled(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)  # type: ignore[arg-type]
        if task.done() and not task.cancelled() and task.exception() is not None:
            self.log.warning(f"reply not sent: {task.exception()!r}")


__all__ = ["CommandSystem", "Handler", "Incoming"]
