"""One message = one frame: a 64-byte space-padded topic, then the UTF-8 JSON body (docs/protocol.md)."""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import FrameError, IpcError
from .ids import (
    assert_command_type,
    assert_process_id,
    assert_target_id,
    command_id_generator,
    is_command_type,
    is_process_id,
    is_target_id,
    now_micros,
)

TOPIC_BYTES = 64
DEFAULT_MAX_FRAME_BYTES = 64 * 1024
#: Deepest nesting of objects and arrays a body may have (the body is level 1, its payload level 2).
MAX_JSON_DEPTH = 64
#: Why a frame is dropped, as the TypeScript side counts them.
DROP_REASONS = ("too_short", "too_large", "bad_json", "bad_schema", "topic_mismatch", "sender_mismatch")
_MAX_SAFE_INT = 2**53 - 1
_FIELDS = ("command_id", "sender_id", "target_id", "command_type", "payload", "timestamp")


class Command:
    """One IPCCommand (the body's six fields; unknown fields are not kept).

    >>> Command("cli_1_1", "cli", "mm1", "ping", {}, 1).topic
    'mm1.ping'
    """

    __slots__ = _FIELDS

    def __init__(
        self,
        command_id: str,
        sender_id: str,
        target_id: str,
        command_type: str,
        payload: dict[str, Any],
        timestamp: int,
    ) -> None:
        self.command_id = command_id
        self.sender_id = sender_id
        self.target_id = target_id
        self.command_type = command_type
        self.payload = payload
        self.timestamp = timestamp

    @property
    def topic(self) -> str:
        return f"{self.target_id}.{self.command_type}"

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FIELDS}

    def __repr__(self) -> str:
        return f"Command({self.as_dict()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Command) and self.as_dict() == other.as_dict()


def nests_deeper_than(value: Any, limit: int) -> bool:
    """``True`` when ``value`` nests dicts or lists more than ``limit`` levels deep."""
    if not isinstance(value, (dict, list)):
        return False
    if limit <= 0:
        return True
    items = value.values() if isinstance(value, dict) else value
    return any(nests_deeper_than(item, limit - 1) for item in items)


def encode_topic(target_id: str, command_type: str) -> bytes:
    """``{target}.{type}`` in ASCII, padded with spaces to 64 bytes; longer is an error, never cut."""
    topic = f"{target_id}.{command_type}".encode("ascii")
    if len(topic) > TOPIC_BYTES:
        raise IpcError("TOPIC_TOO_LONG", f"topic {topic.decode()!r} is {len(topic)} bytes; the limit is {TOPIC_BYTES}")
    return topic.ljust(TOPIC_BYTES, b" ")


def encode_frame(command: Command) -> bytes:
    """The frame of ``command``; raises :class:`IpcError` ``INVALID_COMMAND`` for a body receivers would drop."""
    problem = _shape_problem(command.as_dict())
    if problem:
        raise IpcError("INVALID_COMMAND", f"invalid command: {problem}", command_id=command.command_id)
    return _encode_valid(command)


def _encode_valid(command: Command) -> bytes:
    """Encodes a command whose ids are known good: the payload is the one thing left to check."""
    topic = encode_topic(command.target_id, command.command_type)
    try:
        body = json.dumps(command.as_dict(), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as err:
        raise IpcError("INVALID_COMMAND", f"payload is not JSON: {err}", command_id=command.command_id) from err
    # Each level opens a bracket: with few brackets (the common case) the walk is not needed.
    if body.count("{") + body.count("[") > MAX_JSON_DEPTH and nests_deeper_than(command.payload, MAX_JSON_DEPTH - 1):
        raise IpcError("INVALID_COMMAND", f"payload nests deeper than {MAX_JSON_DEPTH} levels")
    return topic + body.encode("utf-8")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN / Infinity: JSON.parse on the other side refuses them


def decode_frame(frame: bytes, max_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> Command | FrameError:
    """The command in ``frame``, or the :class:`FrameError` saying why it is dropped. Never raises."""
    if len(frame) > max_bytes:
        return FrameError("too_large", f"frame of {len(frame)} bytes exceeds {max_bytes}")
    if len(frame) < TOPIC_BYTES:
        return FrameError("too_short", f"frame of {len(frame)} bytes has no full topic")
    topic = frame[:TOPIC_BYTES].decode("latin-1").rstrip(" ")
    raw = frame[TOPIC_BYTES:]
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        return FrameError("bad_schema", f"topic {topic!r}: body nests deeper than {MAX_JSON_DEPTH} levels")
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return FrameError("bad_json", f"body after topic {topic!r} is not JSON")
    # Each level opens a bracket: with few brackets (the common case) the walk is not needed.
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH and nests_deeper_than(body, MAX_JSON_DEPTH):
        return FrameError("bad_schema", f"topic {topic!r}: body nests deeper than {MAX_JSON_DEPTH} levels")
    problem = _shape_problem(body)
    if problem:
        return FrameError("bad_schema", f"topic {topic!r}: {problem}")
    command = Command(*(body[name] for name in _FIELDS))
    if topic != command.topic:
        return FrameError("topic_mismatch", f"topic {topic!r} disagrees with body {command.topic}")
    return command


def _shape_problem(body: Any) -> str | None:
    """What makes ``body`` no IPCCommand, or ``None``. The same rules as the TypeScript schema."""
    if not isinstance(body, dict):
        return "body is not an object"
    missing = [name for name in _FIELDS if name not in body]
    if missing:
        return f"missing {', '.join(missing)}"
    command_id, timestamp = body["command_id"], body["timestamp"]
    if not isinstance(command_id, str) or not 1 <= len(command_id) <= 200:
        return "command_id is not a string of 1 to 200 characters"
    if not is_process_id(body["sender_id"]):
        return f"invalid sender_id {body['sender_id']!r}"
    if not is_target_id(body["target_id"]):
        return f"invalid target_id {body['target_id']!r}"
    if not is_command_type(body["command_type"]):
        return f"invalid command_type {body['command_type']!r}"
    if not isinstance(body["payload"], dict):
        return "payload is not an object"
    if isinstance(timestamp, float) and math.isfinite(timestamp) and timestamp.is_integer():
        timestamp = int(timestamp)  # 1e15 from another encoder is still an integer
    if type(timestamp) is not int or not 0 <= timestamp <= _MAX_SAFE_INT:
        return "timestamp is not a non-negative integer"
    return None


def read_reply(command: Command) -> dict[str, Any] | None:
    """The payload of a well-formed reply (``reply_to``, ``status``, ``result?``, ``error?``), else ``None``."""
    if command.command_type != "reply":
        return None
    p = command.payload
    if not isinstance(p.get("reply_to"), str) or p.get("status") not in ("accepted", "ok", "error"):
        return None
    if "result" in p and not isinstance(p["result"], dict):
        return None
    if "error" in p and not isinstance(p["error"], str):
        return None
    return p


class Outbox:
    """Builds and encodes the commands one process sends, refusing frames over the size limit.

    >>> out = Outbox("cli")
    >>> frame = out.encode(out.build("mm1", "ping", {}))
    """

    def __init__(self, sender_id: str, max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> None:
        self.sender_id = assert_process_id(sender_id)
        self.max_frame_bytes = max_frame_bytes
        self._next_id = command_id_generator(sender_id)

    def build(self, target_id: str, command_type: str, payload: dict[str, Any]) -> Command:
        assert_target_id(target_id)
        assert_command_type(command_type)
        return Command(self._next_id(), self.sender_id, target_id, command_type, payload, now_micros())

    def encode(self, command: Command) -> bytes:
        # Built by build(): the ids are checked there, and the payload must be a dict.
        if type(command.payload) is not dict or command.sender_id != self.sender_id:
            raise IpcError("INVALID_COMMAND", "invalid command: payload is not an object, or another sender")
        frame = _encode_valid(command)
        if len(frame) > self.max_frame_bytes:
            raise IpcError(
                "INVALID_COMMAND",
                f"{command.command_type} frame of {len(frame)} bytes exceeds the {self.max_frame_bytes}-byte limit",
            )
        return frame
