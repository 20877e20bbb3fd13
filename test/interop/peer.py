#!/usr/bin/python3
"""A foreign process on the missionctl IPC, written only from docs/protocol.md.

Usage: /usr/bin/python3 peer.py <ipc_dir> <my_id> <peer_id> <expected_payload_json>

- Binds an XPUB at ipc://{ipc_dir}/command/{my_id}.ipc and publishes everything there.
- Connects a SUB to the peer's command address, subscribed to `{my_id}.`, `*.` and `{q}*.` for
  every non-empty prefix q of my_id.
- Answers a `ping` addressed to it with an ok reply echoing the payload (once per command_id; a
  repeat gets the same reply bytes again).
- Once the peer is present (its `{peer_id}.` subscription arrives on our XPUB), sends it an `echo`
  command, re-sending the same frame until the terminal reply arrives.
- Asserts the exact bytes of everything it receives and prints one JSON line per event on stdout.
- Keeps serving (a re-sent command gets its cached reply again: our first reply may have left before
  the peer's subscription reached our publisher) until a line `exit` or EOF on stdin; then exits 0
  when both directions worked, 1 otherwise (or at once on the first failed check).
"""

import json
import re
import sys
import time

import zmq

TOPIC_BYTES = 64
FIELDS = {"command_id", "sender_id", "target_id", "command_type", "payload", "timestamp"}


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def fail(message):
    emit("fail", message=message)
    sys.exit(1)


def check(cond, message):
    if not cond:
        fail(message)


def topic_bytes(target_id, command_type):
    topic = f"{target_id}.{command_type}".encode("ascii")
    if len(topic) > TOPIC_BYTES:
        raise ValueError(f"topic {topic!r} is longer than {TOPIC_BYTES} bytes")
    return topic.ljust(TOPIC_BYTES, b" ")


def now_us():
    return time.time_ns() // 1000


def main():
    ipc_dir, my_id, peer_id, expected_json = sys.argv[1:5]
    expected_payload = json.loads(expected_json)
    counter = 0

    def make_frame(target_id, command_type, payload):
        nonlocal counter
        counter += 1
        ts = now_us()
        command = {
            "command_id": f"{my_id}_{ts}_{counter}",
            "sender_id": my_id,
            "target_id": target_id,
            "command_type": command_type,
            "payload": payload,
            "timestamp": ts,
        }
        body = json.dumps(command, ensure_ascii=False).encode("utf-8")
        return command, topic_bytes(target_id, command_type) + body

    def parse(frame):
        check(len(frame) >= TOPIC_BYTES, f"frame of {len(frame)} bytes is shorter than the topic")
        topic, body = frame[:TOPIC_BYTES], frame[TOPIC_BYTES:]
        text = topic.rstrip(b" ")
        check(b" " not in text, f"topic {topic!r} has a space before its padding")
        check(all(0x21 <= b < 0x7F for b in text), f"topic {topic!r} is not printable ASCII")
        command = json.loads(body.decode("utf-8"))
        check(set(command) == FIELDS, f"body fields {sorted(command)} are not {sorted(FIELDS)}")
        check(
            topic == topic_bytes(command["target_id"], command["command_type"]),
            f"topic {topic!r} disagrees with the body",
        )
        check(isinstance(command["timestamp"], int), "timestamp is not an integer")
        check(abs(command["timestamp"] - now_us()) < 60_000_000, "timestamp is not microseconds since the epoch")
        check(isinstance(command["payload"], dict), "payload is not an object")
        check(
            re.fullmatch(rf"{re.escape(command['sender_id'])}_\d+_\d+", command["command_id"]) is not None,
            f"command_id {command['command_id']!r} is not {{sender}}_{{timestamp_us}}_{{counter}}",
        )
        return command

    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.setsockopt(zmq.LINGER, 2000)
    pub.bind(f"ipc://{ipc_dir}/command/{my_id}.ipc")
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    for prefix in [f"{my_id}.", "*."] + [f"{my_id[:i]}*." for i in range(1, len(my_id) + 1)]:
        sub.setsockopt(zmq.SUBSCRIBE, prefix.encode("ascii"))
    sub.connect(f"ipc://{ipc_dir}/command/{peer_id}.ipc")
    emit("ready")

    poller = zmq.Poller()
    poller.register(pub, zmq.POLLIN)
    poller.register(sub, zmq.POLLIN)
    poller.register(sys.stdin.fileno(), zmq.POLLIN)

    replies = {}  # command_id -> the reply frame we sent (idempotent receiver)
    served = False
    my_command, my_frame, sent_at = None, None, 0.0
    sends = 0
    got_reply = False
    deadline = time.monotonic() + 30
    told_to_exit = False

    while not told_to_exit:
        if time.monotonic() > deadline:
            fail(f"timed out: served={served} got_reply={got_reply} sends={sends}")
        if my_frame is not None and not got_reply and time.monotonic() - sent_at > 0.5:
            pub.send(my_frame)  # the same frame, same command_id (at-least-once)
            sends += 1
            sent_at = time.monotonic()
        for sock, _ in poller.poll(100):
            if sock == sys.stdin.fileno():
                line = sys.stdin.readline()
                told_to_exit = line == "" or line.strip() == "exit"
                continue
            frame = sock.recv()
            if sock is pub:
                # Subscription message: 1 = subscribe, 0 = unsubscribe, then the topic prefix.
                if frame == b"\x01" + f"{peer_id}.".encode("ascii") and my_frame is None:
                    emit("peer_present", subscription=frame.hex())
                    my_command, my_frame = make_frame(peer_id, "echo", expected_payload)
                    pub.send(my_frame)
                    sends, sent_at = 1, time.monotonic()
                    emit("sent", frame_hex=my_frame.hex(), command_id=my_command["command_id"])
                continue
            command = parse(frame)
            if command["command_type"] == "reply":
                check(frame[:TOPIC_BYTES] == topic_bytes(my_id, "reply"), f"reply topic {frame[:TOPIC_BYTES]!r}")
                payload = command["payload"]
                if my_command is None or payload.get("reply_to") != my_command["command_id"]:
                    continue
                check(command["sender_id"] == peer_id, f"reply from {command['sender_id']!r}")
                check(command["target_id"] == my_id, f"reply to {command['target_id']!r}")
                if payload.get("status") == "accepted":
                    continue
                check(payload.get("status") == "ok", f"reply status {payload.get('status')!r}: {payload}")
                want = {"echo": expected_payload, "from": my_id}
                check(payload.get("result") == want, f"reply result {payload.get('result')!r} != {want!r}")
                if not got_reply:
                    got_reply = True
                    emit("reply_ok", frame_hex=frame.hex(), sends=sends)
            elif command["target_id"] == my_id and command["command_type"] == "ping":
                check(frame[:TOPIC_BYTES] == topic_bytes(my_id, "ping"), f"command topic {frame[:TOPIC_BYTES]!r}")
                check(command["sender_id"] == peer_id, f"command from {command['sender_id']!r}")
                check(command["payload"] == expected_payload, f"payload {command['payload']!r}")
                cid = command["command_id"]
                if cid not in replies:
                    _, reply = make_frame(
                        peer_id,
                        "reply",
                        {"reply_to": cid, "status": "ok", "result": {"python": True, "echo": command["payload"]}},
                    )
                    replies[cid] = reply
                    emit("served", frame_hex=frame.hex(), reply_hex=reply.hex())
                    served = True
                pub.send(replies[cid])

    check(served and got_reply, f"told to exit early: served={served} got_reply={got_reply}")
    emit("done")
    sub.close()
    pub.close()  # LINGER lets the last reply leave
    ctx.term()


if __name__ == "__main__":
    main()
