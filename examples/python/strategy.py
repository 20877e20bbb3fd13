#!/usr/bin/env python3
"""A missionctl strategy in plain pyzmq + asyncio, written from docs/protocol.md alone.

    MISSIONCTL_IPC_DIR=/tmp/missionctl python3 strategy.py pymm1 --interval-ms 900000

It binds a PUB socket at its ipc command address, connects one SUB socket to each process it takes
commands from (default chatops and cli), answers ping / status / finish_and_exit / exit_now /
pause / resume / wake with the replies of docs/protocol.md (built-in command types), publishes
heartbeats, and publishes `stopped` before every planned exit (SIGTERM and SIGINT included), and
`crash` when a step raises.
The sleep between steps is an asyncio.Event waited on with a timeout, so a command ends it at once
and nothing polls (the asyncio.sleep(0) loop of the original Python strategies burned a core; this
one sleeps in epoll).
"""
import argparse
import asyncio
import json
import os
import re
import signal
import stat
import sys
import time
import traceback

import zmq
import zmq.asyncio

PROCESS_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TOPIC_BYTES = 64


def command_address(ipc_dir, process_id):
    return f"ipc://{ipc_dir}/command/{process_id}.ipc"


def targets_me(target, me):
    if target == "*":
        return True
    if target.endswith("*"):
        return me.startswith(target[:-1])
    return target == me



def check_private_dir(path):
    """Refuses an IPC directory that is a symlink, not ours, or open to others (docs/security.md)."""
    st = os.lstat(path)
    problem = (
        "is a symbolic link" if stat.S_ISLNK(st.st_mode)
        else "is not a directory" if not stat.S_ISDIR(st.st_mode)
        else f"belongs to uid {st.st_uid}, not to you" if st.st_uid != os.getuid()
        else f"has mode {st.st_mode & 0o777:o}, open to group or others (chmod 700 {path})" if st.st_mode & 0o077
        else None
    )
    if problem:
        print(f"unsafe IPC directory {path}: it {problem}", file=sys.stderr)
        sys.exit(2)

class Strategy:
    def __init__(self, process_id, ipc_dir, hear, interval_s, step_s, heartbeat_s, proxy=None):
        self.id = process_id
        self.interval_s, self.step_s, self.heartbeat_s = interval_s, step_s, heartbeat_s
        self.started_at = time.monotonic()
        self.state = "starting"
        self.steps, self.last_step_ms, self.next_step_at = 0, None, None
        self.paused = self.wake_pending = False
        self.stop_mode = self.stop_reason = None
        self.counter = 0
        self.crashed = None
        # command_id -> (first seen, last reply frame): a re-sent command is answered, not re-run.
        self.seen = {}
        self.interrupt = asyncio.Event()  # ends the current sleep or paused wait
        self.stopped = asyncio.Event()  # set once `stopped` is published: the final ok replies may go
        self.step_task = None
        self.tasks = set()

        self.ctx = zmq.asyncio.Context()
        self.pub = self.ctx.socket(zmq.PUB)
        self.sub = self.ctx.socket(zmq.SUB)
        prefixes = [f"{process_id}.", "*."] + [f"{process_id[:i]}*." for i in range(1, len(process_id) + 1)]
        for prefix in prefixes:
            self.sub.setsockopt(zmq.SUBSCRIBE, prefix.encode("ascii"))
        if proxy:
            # Several hosts (docs/protocol.md, the proxy): bind nothing; publish to the proxy's
            # frontend (port P) and hear everyone on its backend (P+1), as a CURVE client.
            host, port = proxy["address"].removeprefix("tcp://").rsplit(":", 1)
            for sock in (self.pub, self.sub):
                sock.curve_publickey, sock.curve_secretkey = proxy["keys"]
                sock.curve_serverkey = proxy["server_key"]
                sock.setsockopt(zmq.HEARTBEAT_IVL, 1000)  # a vanished host is noticed in seconds
                sock.setsockopt(zmq.HEARTBEAT_TIMEOUT, 3000)
                sock.setsockopt(zmq.CONNECT_TIMEOUT, 1000)
            self.pub.connect(f"tcp://{host}:{port}")
            self.sub.connect(f"tcp://{host}:{int(port) + 1}")
        else:
            os.makedirs(os.path.join(ipc_dir, "command"), mode=0o700, exist_ok=True)
            for d in (ipc_dir, os.path.join(ipc_dir, "command")):
                check_private_dir(d)
            self.pub.bind(command_address(ipc_dir, process_id))
            for peer in hear:
                self.sub.connect(command_address(ipc_dir, peer))

    # --- wire format (docs/protocol.md, one message = one frame) ---------------------------------
    def frame(self, target, command_type, payload):
        self.counter += 1
        now_us = time.time_ns() // 1000
        body = {
            "command_id": f"{self.id}_{now_us}_{self.counter}",
            "sender_id": self.id,
            "target_id": target,
            "command_type": command_type,
            "payload": payload,
            "timestamp": now_us,
        }
        topic = f"{target}.{command_type}".encode("ascii")
        if len(topic) > TOPIC_BYTES:
            raise ValueError(f"topic {topic!r} is longer than {TOPIC_BYTES} bytes")
        return topic.ljust(TOPIC_BYTES, b" ") + json.dumps(body).encode("utf-8")

    async def publish(self, target, command_type, payload):
        await self.pub.send(self.frame(target, command_type, payload))

    async def reply(self, command, status, result=None, error=None):
        payload = {"reply_to": command["command_id"], "status": status}
        if result is not None:
            payload["result"] = result
        if error is not None:
            payload["error"] = error
        frame = self.frame(command["sender_id"], "reply", payload)
        self.seen[command["command_id"]] = (self.seen.get(command["command_id"], (time.monotonic(), None))[0], frame)
        await self.pub.send(frame)

    @staticmethod
    def decode(frame):
        """The IPCCommand in a frame, or None for anything malformed (dropped, never a crash)."""
        if len(frame) < TOPIC_BYTES or len(frame) > 64 * 1024:
            return None
        try:
            topic = frame[:TOPIC_BYTES].decode("ascii").rstrip(" ")
            body = json.loads(frame[TOPIC_BYTES:].decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        keys = ("command_id", "sender_id", "target_id", "command_type", "payload", "timestamp")
        if not isinstance(body, dict) or any(k not in body for k in keys) or not isinstance(body["payload"], dict):
            return None
        if topic != f"{body['target_id']}.{body['command_type']}":
            return None
        return body

    # --- commands (docs/protocol.md, built-in command types) ------------------------------------
    async def receive(self):
        while True:
            command = self.decode(await self.sub.recv())
            if command is None or not targets_me(command["target_id"], self.id):
                continue
            ctype = command["command_type"]
            if ctype in ("reply", "heartbeat", "stopped", "crash"):
                continue  # replies to others' requests and events: not ours to answer
            if command["command_id"] in self.seen:  # at-least-once delivery: repeat the last reply
                last_reply = self.seen[command["command_id"]][1]
                if last_reply is not None:
                    await self.pub.send(last_reply)
                continue
            self.remember(command["command_id"])
            if ctype in ("finish_and_exit", "exit_now"):
                task = asyncio.create_task(self.exit_command(command, "finish" if ctype == "finish_and_exit" else "now"))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            elif ctype == "ping":
                await self.reply(command, "ok", {"state": self.current_state()})
            elif ctype == "status":
                await self.reply(command, "ok", self.status())
            elif ctype in ("pause", "resume", "wake"):
                if self.stop_mode:
                    await self.reply(command, "error", error=f"{self.id} is stopping; {ctype} ignored")
                else:
                    getattr(self, ctype)()
                    await self.reply(command, "ok", {"state": self.current_state()})
            elif not command["target_id"].endswith("*"):
                await self.reply(command, "error", error=f'unknown command type "{ctype}"')

    def remember(self, command_id):
        """Keeps command ids for 10 minutes (docs/protocol.md, delivery); dicts keep insertion order."""
        now = time.monotonic()
        while self.seen:
            oldest = next(iter(self.seen))
            if now - self.seen[oldest][0] < 600:
                break
            del self.seen[oldest]
        self.seen[command_id] = (now, None)

    async def exit_command(self, command, mode):
        await self.reply(command, "accepted")
        self.request_stop(command["command_type"], mode)
        await self.stopped.wait()
        if self.crashed:
            await self.reply(command, "error", error=f"strategy crashed while stopping: {self.crashed}")
        else:
            await self.reply(command, "ok", {"state": "stopping", "reason": self.stop_reason, "exit_code": 0})

    def current_state(self):
        return "stopping" if self.stop_mode else self.state

    def status(self):
        status = {
            "state": self.current_state(),
            "step": self.steps,
            "last_step_ms": self.last_step_ms,
            "uptime_s": int(time.monotonic() - self.started_at),
        }
        if self.state == "sleeping" and self.next_step_at and not self.stop_mode:
            status["next_step_at"] = self.next_step_at
        return status

    def pause(self):
        self.paused = True
        if self.state == "sleeping":
            self.state = "paused"
            self.interrupt.set()

    def resume(self):
        if self.paused:
            self.paused = False
            if self.state == "paused":
                self.state = "running"
                self.interrupt.set()

    def wake(self):
        if self.paused:
            return
        if self.state == "sleeping":
            self.state = "running"
            self.interrupt.set()
        else:
            self.wake_pending = True

    def request_stop(self, reason, mode):
        if self.stop_mode is None or (mode == "now" and self.stop_mode == "finish"):
            self.stop_mode, self.stop_reason = mode, reason
        self.interrupt.set()
        if self.stop_mode == "now" and self.step_task is not None:
            self.step_task.cancel()  # exit_now: the step's awaits raise CancelledError

    # --- the loop -------------------------------------------------------------------------------
    async def step(self):
        await asyncio.sleep(self.step_s)  # stands for fetching data, computing signals, placing orders

    async def wait(self, timeout):
        """The sleep: one Event wait with a timeout. A command sets the event; nothing polls."""
        self.interrupt.clear()
        try:
            await asyncio.wait_for(self.interrupt.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def heartbeat(self):
        seq = 0
        while True:
            seq += 1
            await self.publish("*", "heartbeat", {
                "state": self.current_state(), "pid": os.getpid(),
                "uptime_s": int(time.monotonic() - self.started_at),
                "interval_ms": int(self.heartbeat_s * 1000), "seq": seq,
            })
            await asyncio.sleep(self.heartbeat_s)

    async def run(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name, "finish")
        receiver = asyncio.create_task(self.receive())
        beats = asyncio.create_task(self.heartbeat())
        while self.stop_mode is None:
            if self.paused:
                self.state = "paused"
                await self.wait(None)
                continue
            self.state, self.wake_pending = "running", False
            self.steps += 1
            started = time.monotonic()
            self.step_task = asyncio.create_task(self.step())
            try:
                await self.step_task
            except asyncio.CancelledError:
                pass  # aborted by exit_now
            except Exception as err:  # a throwing step: `crash`, then exit non-zero
                self.crashed = str(err) or type(err).__name__
                await self.publish("*", "crash", {"error": self.crashed, "stack": traceback.format_exc()})
                break
            self.step_task = None
            self.last_step_ms = int((time.monotonic() - started) * 1000)
            if self.stop_mode or self.paused:
                continue
            if self.wake_pending:
                continue
            self.state = "sleeping"
            self.next_step_at = int(time.time() * 1000 + self.interval_s * 1000)
            await self.wait(self.interval_s)
        beats.cancel()
        if not self.crashed:
            await self.publish("*", "stopped", {"reason": self.stop_reason, "exit_code": 0})
        self.stopped.set()
        while self.tasks:  # the final ok replies of finish_and_exit / exit_now
            await asyncio.gather(*list(self.tasks))
        receiver.cancel()
        await asyncio.gather(receiver, beats, return_exceptions=True)
        self.sub.close(linger=0)
        self.pub.close(linger=200)  # the last frames leave before the socket goes
        self.ctx.term()
        return 1 if self.crashed else 0


def proxy_settings(parser):
    """MISSIONCTL_PROXY with this process's secret certificate and the proxy's public one, or None."""
    address = os.environ.get("MISSIONCTL_PROXY")
    if not address:
        return None
    cert, proxy_cert = os.environ.get("MISSIONCTL_CERT"), os.environ.get("MISSIONCTL_PROXY_CERT")
    if not cert or not proxy_cert:
        parser.error("MISSIONCTL_PROXY needs MISSIONCTL_CERT (our *.key_secret) and MISSIONCTL_PROXY_CERT")
    if os.stat(cert).st_mode & 0o077:
        parser.error(f"secret certificate {cert} is readable by others: chmod 600 {cert}")
    import zmq.auth

    public, secret = zmq.auth.load_certificate(cert)
    server, _ = zmq.auth.load_certificate(proxy_cert)
    if not secret:
        parser.error(f"{cert} holds no secret-key: give the *.key_secret file")
    return {"address": address, "keys": (public, secret), "server_key": server}


def main():
    parser = argparse.ArgumentParser(description="A missionctl strategy in plain pyzmq.")
    parser.add_argument("id")
    parser.add_argument("--interval-ms", type=int, default=10_000)
    parser.add_argument("--step-ms", type=int, default=1000)
    parser.add_argument("--heartbeat-ms", type=int, default=5000)
    parser.add_argument("--hear", default="chatops,cli")
    args = parser.parse_args()
    hear = [h.strip() for h in args.hear.split(",") if h.strip()]
    if not PROCESS_ID.match(args.id) or not all(PROCESS_ID.match(h) for h in hear):
        parser.error("process ids are letters, digits, _ and -, at most 40")
    if min(args.interval_ms, args.step_ms) < 0 or args.heartbeat_ms <= 0:
        parser.error("intervals are non-negative (heartbeat positive) integers of ms")
    ipc_dir = os.environ.get("MISSIONCTL_IPC_DIR") or "/tmp/missionctl"
    proxy = proxy_settings(parser)

    async def run():
        strategy = Strategy(
            args.id, ipc_dir, hear, args.interval_ms / 1000, args.step_ms / 1000, args.heartbeat_ms / 1000, proxy
        )
        return await strategy.run()

    sys.exit(asyncio.run(run()))


if __name__ == "__main__":
    main()
