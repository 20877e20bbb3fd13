#!/usr/bin/env python3
"""The smallest missionctl strategy, plain pyzmq, from docs/protocol.md alone: python3 minimal.py pymm1"""
import json, os, sys, time, zmq

me, ipc_dir = sys.argv[1], os.environ.get("MISSIONCTL_IPC_DIR", "/tmp/missionctl")
INTERVAL_S, HEARTBEAT_S = 60.0, 5.0
ctx = zmq.Context()
os.makedirs(f"{ipc_dir}/command", mode=0o700, exist_ok=True)
for d in (ipc_dir, f"{ipc_dir}/command"):  # only a directory of ours, closed to others (docs/security.md)
    st = os.lstat(d)
    if os.path.islink(d) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        print(f"unsafe IPC directory {d}: not a private directory of yours (chmod 700, or remove it)", file=sys.stderr)
        sys.exit(2)
pub = ctx.socket(zmq.PUB)
pub.bind(f"ipc://{ipc_dir}/command/{me}.ipc")  # everything we send goes out here
sub = ctx.socket(zmq.SUB)  # what we hear: unicast, broadcast and every multicast prefix of our id
for prefix in [f"{me}.", "*."] + [f"{me[:i]}*." for i in range(1, len(me) + 1)]:
    sub.setsockopt(zmq.SUBSCRIBE, prefix.encode())
for peer in ("chatops", "cli"):
    sub.connect(f"ipc://{ipc_dir}/command/{peer}.ipc")
counter, seen, started, seq, steps = 0, {}, time.time(), 0, 0

def send(target, ctype, payload):
    global counter
    counter += 1
    now_us = time.time_ns() // 1000
    body = dict(command_id=f"{me}_{now_us}_{counter}", sender_id=me, target_id=target,
                command_type=ctype, payload=payload, timestamp=now_us)
    frame = f"{target}.{ctype}".ljust(64).encode() + json.dumps(body).encode()
    pub.send(frame)
    return frame

def reply(cmd, status, **extra):  # remembered, so a re-sent command gets the same answer
    payload = {"reply_to": cmd["command_id"], "status": status, **extra}
    seen[cmd["command_id"]] = send(cmd["sender_id"], "reply", payload)

state, next_step, next_beat = "sleeping", time.time(), 0.0
while True:
    now = time.time()
    if now >= next_beat:
        seq += 1
        send("*", "heartbeat", dict(state=state, pid=os.getpid(), uptime_s=int(now - started),
                                    interval_ms=int(HEARTBEAT_S * 1000), seq=seq))
        next_beat = now + HEARTBEAT_S
    if state == "sleeping" and now >= next_step:
        state, steps = "running", steps + 1
        time.sleep(0.2)  # the step: fetch, compute, quote
        state, next_step = "sleeping", time.time() + INTERVAL_S
        continue
    wake_at = min(next_beat, next_step) if state == "sleeping" else next_beat
    if not sub.poll(max(0.0, wake_at - time.time()) * 1000):  # sleeps in epoll: no busy loop
        continue
    cmd = json.loads(sub.recv()[64:])
    kind = cmd["command_type"]
    if kind == "reply":
        continue
    if cmd["command_id"] in seen:
        pub.send(seen[cmd["command_id"]])
    elif kind in ("ping", "wake", "pause", "resume"):
        state = {"pause": "paused", "resume": "sleeping"}.get(kind, state)
        next_step = time.time() if kind in ("wake", "resume") else next_step
        reply(cmd, "ok", result={"state": state})
    elif kind == "status":
        reply(cmd, "ok", result=dict(state=state, step=steps, last_step_ms=200, uptime_s=int(now - started)))
    elif kind in ("finish_and_exit", "exit_now"):  # a step never runs while we read commands here
        reply(cmd, "accepted")
        send("*", "stopped", {"reason": kind, "exit_code": 0})
        reply(cmd, "ok", result={"state": "stopping"})
        break
    elif cmd["target_id"] == me:
        reply(cmd, "error", error=f'unknown command type "{kind}"')
pub.close(linger=1000)  # let `stopped` and the last reply leave
sub.close(linger=0)
ctx.term()
