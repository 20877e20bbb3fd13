"""Seed 003's IPC command system, re-created minimally as the baseline of the Python round trip
(bench/python-rtt.ts): the design the Python package must not be slower than.

What seed 003 (../shared/seeds/003_c8efcc212c499260.txt) describes, and this file does:
- `IPCCommandSystem(process_id)`: one PUB bound at the process's own command address; publishing a
  command is `send_command(target_id, command_type, payload)` on it, with no task of its own.
- `connect_to_process(remote)`: one SUB per heard process, subscribed to `{id}.` and `*.` (the seed's
  unicast and broadcast), and one `_receive_worker` task per SUB: `await recv()`, parse the JSON,
  `put_nowait()` on the one shared `asyncio.Queue`.
- `_process_worker`: a single consumer task, `await get()`, then the handler registered for the
  command_type, awaited when it is a coroutine function.
- `IPCCommand` with `__slots__` and a cached JSON form (`_json_cache`).
- Its ping handler answers the way its Ping/Pong example does (`await send_command(sender_id, ...)`),
  but with the reply of our wire format: command_type `reply`, payload
  `{reply_to, status: "ok", result: {state}}` (docs/protocol.md, Replies), so the project's
  requester takes it like a strategy's.

Only the wire differs from the seed: the address is ipc://$MISSIONCTL_IPC_DIR/command/ID.ipc (the
seed's /hft/zmq) and the reply is ours. No deduplication, no heartbeats, no presence (a plain PUB):
the seed has none of them and none is on the path of a ping.

Usage: /usr/bin/python3 bench/seed003_peer.py ID HEAR_ID [HEAR_ID ...]
"""

import asyncio
import inspect
import json
import os
import sys
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Union

import zmq
import zmq.asyncio

TOPIC_SIZE = 64


class IPCCommand:
    __slots__ = ("command_id", "sender_id", "target_id", "command_type", "payload", "timestamp", "_json_cache")

    def __init__(
        self,
        command_id: str,
        sender_id: str,
        target_id: str,
        command_type: str,
        payload: Dict[str, Any],
        timestamp: int,
    ) -> None:
        self.command_id = command_id
        self.sender_id = sender_id
        self.target_id = target_id
        self.command_type = command_type
        self.payload = payload
        self.timestamp = timestamp
        self._json_cache: Optional[str] = None

    def to_json(self) -> str:
        if self._json_cache is None:
            self._json_cache = json.dumps(
                {
                    "command_id": self.command_id,
                    "sender_id": self.sender_id,
                    "target_id": self.target_id,
                    "command_type": self.command_type,
                    "payload": self.payload,
                    "timestamp": self.timestamp,
                }
            )
        return self._json_cache

    def topic(self) -> bytes:
        topic = f"{self.target_id}.{self.command_type}".encode()
        if len(topic) > TOPIC_SIZE:
            raise ValueError(f"topic longer than {TOPIC_SIZE} bytes: {topic!r}")
        return topic.ljust(TOPIC_SIZE, b" ")

    def to_bytes(self) -> bytes:
        return self.topic() + self.to_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "IPCCommand":
        d = json.loads(data[TOPIC_SIZE:])
        return cls(d["command_id"], d["sender_id"], d["target_id"], d["command_type"], d["payload"], d["timestamp"])


Handler = Callable[[IPCCommand], Union[None, Awaitable[None]]]


class IPCCommandSystem:
    def __init__(self, process_id: str, base_dir: str) -> None:
        self.process_id = process_id
        self.base_dir = base_dir
        self.context = zmq.asyncio.Context()
        self.publisher = self.context.socket(zmq.PUB)
        self._subscribers: Dict[str, zmq.asyncio.Socket] = {}
        self._handlers: Dict[str, Handler] = {}
        self._command_queue: "asyncio.Queue[IPCCommand]" = asyncio.Queue()
        self._tasks: list = []
        self._counter = 0
        self._running = False

    def _address(self, process_id: str) -> str:
        return f"ipc://{self.base_dir}/command/{process_id}.ipc"

    async def start(self) -> None:
        os.makedirs(f"{self.base_dir}/command", mode=0o700, exist_ok=True)
        self.publisher.bind(self._address(self.process_id))
        self._running = True
        self._tasks.append(asyncio.create_task(self._process_worker()))

    async def stop(self) -> None:
        self._running = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for sub in self._subscribers.values():
            sub.close(linger=0)
        self.publisher.close(linger=0)
        self.context.term()

    async def connect_to_process(self, remote_process_id: str) -> None:
        sub = self.context.socket(zmq.SUB)
        sub.connect(self._address(remote_process_id))
        sub.setsockopt(zmq.SUBSCRIBE, f"{self.process_id}.".encode())  # unicast
        sub.setsockopt(zmq.SUBSCRIBE, b"*.")  # broadcast
        self._subscribers[remote_process_id] = sub
        self._tasks.append(asyncio.create_task(self._receive_worker(sub)))

    def register_handler(self, command_type: str, handler: Handler) -> None:
        self._handlers[command_type] = handler

    async def send_command(self, target_id: str, command_type: str, payload: Dict[str, Any]) -> str:
        self._counter += 1
        timestamp = time.time_ns() // 1000
        command = IPCCommand(
            f"{self.process_id}_{timestamp}_{self._counter}",
            self.process_id,
            target_id,
            command_type,
            payload,
            timestamp,
        )
        await self.publisher.send(command.to_bytes())
        return command.command_id

    async def broadcast(self, command_type: str, payload: Dict[str, Any]) -> str:
        return await self.send_command("*", command_type, payload)

    async def _receive_worker(self, sub: zmq.asyncio.Socket) -> None:
        while self._running:
            data = await sub.recv()
            try:
                command = IPCCommand.from_bytes(data)
            except (ValueError, KeyError, TypeError) as err:
                print(f"seed003: bad frame dropped: {err}", file=sys.stderr)
                continue
            self._command_queue.put_nowait(command)

    async def _process_worker(self) -> None:
        while self._running:
            command = await self._command_queue.get()
            handler = self._handlers.get(command.command_type)
            if handler is None:
                continue
            try:
                result = handler(command)
                if inspect.isawaitable(result):
                    await result
            except Exception as err:  # a failing handler must not stop the worker
                print(f"seed003: handler {command.command_type} failed: {err!r}", file=sys.stderr)


async def main() -> None:
    process_id, hear = sys.argv[1], sys.argv[2:]
    system = IPCCommandSystem(process_id, os.environ.get("MISSIONCTL_IPC_DIR") or "/tmp/missionctl")

    async def on_ping(command: IPCCommand) -> None:
        await system.send_command(
            command.sender_id,
            "reply",
            {"reply_to": command.command_id, "status": "ok", "result": {"state": "sleeping"}},
        )

    system.register_handler("ping", on_ping)
    for remote in hear:
        await system.connect_to_process(remote)
    await system.start()
    try:
        await asyncio.Event().wait()  # serve until killed
    finally:
        await system.stop()


if __name__ == "__main__":
    asyncio.run(main())
