"""A pyzmq peer in proxy mode, written from docs/protocol.md ("A client of the proxy"): CURVE keys
from zmq.auth certificate files, ZMTP heartbeats, XPUB to the frontend, SUB to the backend.

Usage: proxy_peer.py tcp://HOST:PORT ME.key_secret proxy.key ME TARGET
It answers `ping` with {"lang": "python"}, pings TARGET once TARGET is present, and prints one JSON
line per event (present, reply, answered). It exits 0 once it has its reply and has answered a
ping, 1 after 20 s.
"""
import json
import sys
import time

import zmq
import zmq.auth

proxy, cert, proxy_cert, ME, TARGET = sys.argv[1:6]
host, port = proxy[len("tcp://"):].rsplit(":", 1)
public, secret = zmq.auth.load_certificate(cert)
server, _ = zmq.auth.load_certificate(proxy_cert)
ctx = zmq.Context()


def client(kind):
    s = ctx.socket(kind)
    # Every option before connect(): CURVE set afterwards would not apply to the connection.
    s.curve_secretkey, s.curve_publickey, s.curve_serverkey = secret, public, server
    s.setsockopt(zmq.HEARTBEAT_IVL, 1000)
    s.setsockopt(zmq.HEARTBEAT_TIMEOUT, 3000)
    s.setsockopt(zmq.CONNECT_TIMEOUT, 1000)
    s.setsockopt(zmq.LINGER, 0)
    return s


pub = client(zmq.XPUB)
pub.setsockopt(zmq.XPUB_VERBOSER, 1)
pub.setsockopt(zmq.IMMEDIATE, 1)
pub.connect(f"tcp://{host}:{int(port)}")
sub = client(zmq.SUB)
for p in [f"{ME}.", "*."] + [f"{ME[:i]}*." for i in range(1, len(ME) + 1)]:
    sub.setsockopt(zmq.SUBSCRIBE, p.encode())
sub.connect(f"tcp://{host}:{int(port) + 1}")

counter = 0


def frame(target, ctype, payload):
    global counter
    counter += 1
    ts = time.time_ns() // 1000
    cmd = {"command_id": f"{ME}_{ts}_{counter}", "sender_id": ME, "target_id": target,
           "command_type": ctype, "payload": payload, "timestamp": ts}
    return cmd, f"{target}.{ctype}".encode("ascii").ljust(64, b" ") + json.dumps(cmd).encode("utf-8")


def say(**event):
    print(json.dumps(event), flush=True)


present, ping, got_reply, answered = set(), None, False, False
poller = zmq.Poller()
poller.register(pub, zmq.POLLIN)
poller.register(sub, zmq.POLLIN)
deadline, next_send = time.monotonic() + 20, 0.0
while time.monotonic() < deadline and not (got_reply and answered):
    for sock, _ in poller.poll(100):
        msg = sock.recv()
        if sock is pub:  # a subscription: 1 or 0, then the topic
            topic = msg[1:].decode("latin-1")
            if topic.endswith(".") and "*" not in topic:
                (present.add if msg[0] == 1 else present.discard)(topic[:-1])
            continue
        cmd = json.loads(msg[64:])
        if cmd["sender_id"] == ME:  # our own `*.` frames come back through the proxy
            continue
        if cmd["command_type"] == "reply" and ping and cmd["payload"]["reply_to"] == ping[0]["command_id"]:
            got_reply = cmd["payload"]["status"] == "ok"
            say(event="reply", **{"from": cmd["sender_id"]}, payload=cmd["payload"])
        elif cmd["command_type"] == "ping":
            _, data = frame(cmd["sender_id"], "reply",
                            {"reply_to": cmd["command_id"], "status": "ok", "result": {"lang": "python"}})
            pub.send(data)
            answered = True
            say(event="answered", **{"from": cmd["sender_id"]})
    if TARGET in present and not got_reply and time.monotonic() >= next_send:
        if ping is None:
            ping = frame(TARGET, "ping", {})
            say(event="present", id=TARGET)
        pub.send(ping[1])  # the same bytes on every re-send
        next_send = time.monotonic() + 0.5
sys.exit(0 if got_reply and answered else 1)
