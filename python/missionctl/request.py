"""One request in flight: join window, re-sends of the same frame on a backoff, replies by process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .codec import Command
from .ids import is_group_target

#: Re-sends of an unanswered command: after 100 ms, then doubling up to every 3.2 s.
RESEND_BASE_S, RESEND_MAX_S = 0.1, 3.2


@dataclass
class ReplyEvent:
    """One reply as the requester sees it."""

    sender: str
    status: str
    reply: Command
    elapsed_ms: float
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class RequestResult:
    command: Command
    #: Processes whose terminal reply was expected: present targets at send time plus any that answered.
    expected: list[str]
    #: Terminal replies (ok or error) by process id.
    terminal: dict[str, ReplyEvent]
    #: Processes with an interim ``accepted`` and no terminal reply.
    accepted_only: list[str]
    #: Expected processes without a terminal reply, and why: not_connected, disconnected or timeout.
    missing: dict[str, str]
    #: How many times the same frame was published (1 = no re-send).
    sends: int
    #: Every expected process answered ok (and, for a unicast, its target did).
    ok: bool


class RequestHost(Protocol):
    def publish(self, frame: bytes) -> Awaitable[object]: ...
    def reachable(self, pid: str) -> bool: ...
    def present(self, target: str) -> list[str]: ...


@dataclass
class RequestOptions:
    timeout_s: float = 10.0
    #: How long a unicast waits for its target to connect before "not connected".
    join_window_s: float = 1.5
    #: For a group target with no process present: how long to wait for spontaneous answers.
    empty_group_wait_s: float = 0.3
    #: How long a process that disconnected mid-request may still deliver its reply.
    settle_s: float = 0.3
    on_reply: Callable[[ReplyEvent], None] | None = None
    on_sent: Callable[[Command, list[str]], None] | None = None


class PendingRequest:
    """Owns every timer it creates and cancels them all when it settles."""

    def __init__(
        self, command: Command, frame: bytes, host: RequestHost, options: RequestOptions, on_done: Callable[[], None]
    ) -> None:
        self.command, self.frame, self.host, self.options = command, frame, host, options
        self._on_done = on_done
        self._loop = asyncio.get_running_loop()
        self.future: asyncio.Future[RequestResult] = self._loop.create_future()
        self._expected: set[str] = set()
        self._terminal: dict[str, ReplyEvent] = {}
        self._accepted: set[str] = set()
        self._missing: dict[str, str] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._settling: dict[str, asyncio.TimerHandle] = {}
        self._resends = 0
        self._sends = 0
        self._phase = "joining"
        self._started = time.monotonic()

    @property
    def target(self) -> str:
        return self.command.target_id

    def start(self) -> None:
        self._timer(self.options.timeout_s, lambda: self._finish(timed_out=True))
        if is_group_target(self.target) or self.host.reachable(self.target):
            self._send()
        else:
            self._timer(self.options.join_window_s, self._join_expired)

    def on_peer(self, pid: str, up: bool) -> None:
        """A process came into presence (or its link came up), or went."""
        if self._phase == "joining" and up and pid == self.target and self.host.reachable(pid):
            self._send()
        elif self._phase == "sent" and not up and pid in self._expected and pid not in self._terminal:
            self._settle(pid)

    def on_reply(self, sender: str, payload: dict[str, Any], reply: Command) -> None:
        if self._phase == "done" or sender in self._terminal:
            return  # a re-sent cached reply: already counted
        status = payload["status"]
        if status == "accepted" and sender in self._accepted:
            return
        event = ReplyEvent(
            sender, status, reply, (time.monotonic() - self._started) * 1000, payload.get("result"), payload.get("error")
        )
        self._expected.add(sender)
        self._missing.pop(sender, None)
        settle = self._settling.pop(sender, None)
        if settle:
            settle.cancel()
        if status == "accepted":
            self._accepted.add(sender)
        else:
            self._terminal[sender] = event
        try:
            if self.options.on_reply:
                self.options.on_reply(event)
        finally:
            if self._complete():
                self._finish(timed_out=False)

    def abort_with(self, error: BaseException) -> None:
        if self._phase != "done":
            self._cleanup()
            self.future.set_exception(error)

    def _send(self) -> None:
        self._phase = "sent"
        self._expected.update(self.host.present(self.target) if is_group_target(self.target) else [self.target])
        self._publish()
        if self.options.on_sent:
            self.options.on_sent(self.command, sorted(self._expected))
        if not self._expected:
            self._timer(self.options.empty_group_wait_s, lambda: self._finish(timed_out=False))
        else:
            self._schedule_resend()

    def _publish(self) -> None:
        self._sends += 1
        try:
            sent = self.host.publish(self.frame)
        except Exception as err:  # noqa: BLE001 - a closed transport ends the request with its error
            self.abort_with(err)
            return
        if isinstance(sent, asyncio.Future):
            sent.add_done_callback(lambda f: f.cancelled() or f.exception() is None or self.abort_with(f.exception()))

    def _schedule_resend(self) -> None:
        self._resends += 1
        delay = min(RESEND_MAX_S, RESEND_BASE_S * 2 ** (self._resends - 1))

        def resend() -> None:
            if not self._complete():
                self._publish()
                self._schedule_resend()

        self._timer(delay, resend)

    def _join_expired(self) -> None:
        if self._phase == "joining":
            self._expected.add(self.target)
            self._missing[self.target] = "not_connected"
            self._finish(timed_out=False)

    def _settle(self, pid: str) -> None:
        if pid in self._settling:
            return

        def settled() -> None:
            self._settling.pop(pid, None)
            if pid in self._terminal or self.host.reachable(pid):
                return
            self._missing[pid] = "disconnected"
            if self._complete():
                self._finish(timed_out=False)

        self._settling[pid] = self._timer(self.options.settle_s, settled)

    def _complete(self) -> bool:
        return bool(self._expected) and all(p in self._terminal or p in self._missing for p in self._expected)

    def _finish(self, timed_out: bool) -> None:
        if self._phase == "done":
            return
        if timed_out and self._phase == "joining":
            self._expected.add(self.target)
        for pid in self._expected:
            if pid not in self._terminal and pid not in self._missing:
                self._missing[pid] = "not_connected" if self._phase == "joining" else "timeout"
        unicast_answered = is_group_target(self.target) or self.target in self._terminal
        result = RequestResult(
            command=self.command,
            expected=sorted(self._expected),
            terminal=self._terminal,
            accepted_only=sorted(self._accepted - set(self._terminal)),
            missing=self._missing,
            sends=self._sends,
            ok=unicast_answered and not self._missing and all(r.status == "ok" for r in self._terminal.values()),
        )
        self._cleanup()
        self.future.set_result(result)

    def _cleanup(self) -> None:
        self._phase = "done"
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
        self._settling.clear()
        self._on_done()

    def _timer(self, delay_s: float, fn: Callable[[], None]) -> asyncio.TimerHandle:
        def fire() -> None:
            self._timers.discard(handle)
            fn()

        handle = self._loop.call_later(delay_s, fire)
        self._timers.add(handle)
        return handle

