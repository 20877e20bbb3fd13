import json
import unittest

from missionctl.codec import (
    MAX_JSON_DEPTH,
    TOPIC_BYTES,
    Command,
    Outbox,
    decode_frame,
    encode_frame,
    read_reply,
)
from missionctl.errors import FrameError, IpcError
from missionctl.ids import command_id_generator, subscription_prefixes, target_matches


def body(**override):
    b = {
        "command_id": "cli_1_1",
        "sender_id": "cli",
        "target_id": "mm1",
        "command_type": "ping",
        "payload": {},
        "timestamp": 1,
    }
    b.update(override)
    return b


def frame_of(b, topic="mm1.ping"):
    return topic.encode().ljust(TOPIC_BYTES, b" ") + json.dumps(b).encode()


class CodecTest(unittest.TestCase):
    def test_round_trip_with_the_exact_bytes(self):
        command = Command("cli_1_1", "cli", "mm1", "ping", {"text": "héllo ✓", "n": [1, 2.5, None]}, 7)
        frame = encode_frame(command)
        self.assertEqual(frame[:TOPIC_BYTES], b"mm1.ping".ljust(64, b" "))
        self.assertEqual(
            frame[TOPIC_BYTES:].decode(),
            '{"command_id":"cli_1_1","sender_id":"cli","target_id":"mm1","command_type":"ping",'
            '"payload":{"text":"héllo ✓","n":[1,2.5,null]},"timestamp":7}',
        )
        self.assertEqual(decode_frame(frame), command)

    def test_unknown_fields_are_ignored(self):
        decoded = decode_frame(frame_of(body(extra=1)))
        self.assertIsInstance(decoded, Command)
        self.assertEqual(decoded.as_dict(), body())

    def reason(self, frame, **kw):
        decoded = decode_frame(frame, **kw)
        self.assertIsInstance(decoded, FrameError)
        return decoded.reason

    def test_every_drop_reason(self):
        self.assertEqual(self.reason(b"short"), "too_short")
        self.assertEqual(self.reason(frame_of(body()), max_bytes=100), "too_large")
        self.assertEqual(self.reason(b"mm1.ping".ljust(64, b" ") + b"{not json"), "bad_json")
        self.assertEqual(self.reason(b"mm1.ping".ljust(64, b" ") + b"\xff\xfe"), "bad_json")
        self.assertEqual(self.reason(b"mm1.ping".ljust(64, b" ") + b'{"timestamp":NaN}'), "bad_json")
        self.assertEqual(self.reason(frame_of(body(payload=[1]))), "bad_schema")
        self.assertEqual(self.reason(frame_of(body(timestamp=True))), "bad_schema")
        self.assertEqual(self.reason(frame_of(body(timestamp=-1))), "bad_schema")
        self.assertEqual(self.reason(frame_of(body(sender_id="a.b"))), "bad_schema")
        self.assertEqual(self.reason(frame_of(body(command_id=""))), "bad_schema")
        self.assertEqual(self.reason(frame_of(body(), topic="mm2.ping")), "topic_mismatch")
        self.assertEqual(self.reason(frame_of(body(), topic="mm1.ping\t")), "topic_mismatch")

    def test_deep_json_is_dropped_not_a_crash(self):
        deep = b"mm1.ping".ljust(64, b" ") + b"[" * 20_000 + b"]" * 20_000
        self.assertEqual(self.reason(deep, max_bytes=10**6), "bad_schema")
        nested = {}
        for _ in range(MAX_JSON_DEPTH):
            nested = {"a": nested}
        self.assertEqual(self.reason(frame_of(body(payload=nested))), "bad_schema")

    def test_encode_refuses_what_receivers_drop(self):
        with self.assertRaises(IpcError) as caught:
            encode_frame(Command("cli_1_1", "cli", "m" * 40, "x" * 31, {}, 1))
        self.assertEqual(caught.exception.code, "TOPIC_TOO_LONG")
        with self.assertRaises(IpcError):
            encode_frame(Command("cli_1_1", "cli", "mm1", "ping", {"x": float("nan")}, 1))
        with self.assertRaises(IpcError):
            encode_frame(Command("cli_1_1", "c li", "mm1", "ping", {}, 1))
        out = Outbox("cli", max_frame_bytes=200)
        with self.assertRaises(IpcError):
            out.encode(out.build("mm1", "ping", {"big": "x" * 500}))
        with self.assertRaises(IpcError):
            out.build("mm 1", "ping", {})

    def test_read_reply(self):
        reply = Command("mm1_1_1", "mm1", "cli", "reply", {"reply_to": "cli_1_1", "status": "ok", "result": {}}, 1)
        self.assertEqual(read_reply(reply)["status"], "ok")
        bad = Command("mm1_1_1", "mm1", "cli", "reply", {"reply_to": "cli_1_1", "status": "done"}, 1)
        self.assertIsNone(read_reply(bad))
        self.assertIsNone(read_reply(Command("mm1_1_1", "mm1", "cli", "reply", {"reply_to": 1, "status": "ok"}, 1)))


class IdsTest(unittest.TestCase):
    def test_subscriptions_make_multicast_prefix_filtering(self):
        self.assertEqual(subscription_prefixes("mm1"), ["mm1.", "*.", "m*.", "mm*.", "mm1*."])
        self.assertTrue(target_matches("mm*", "mm1"))
        self.assertTrue(target_matches("*", "mm1"))
        self.assertFalse(target_matches("mm1", "mm10"))
        self.assertFalse(target_matches("mx*", "mm1"))

    def test_command_ids_are_unique_within_a_microsecond(self):
        next_id = command_id_generator("cli", lambda: 5)
        self.assertEqual([next_id(), next_id()], ["cli_5_1", "cli_5_2"])
