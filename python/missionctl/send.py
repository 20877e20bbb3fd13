"""``python3 -m missionctl.send <target> <command_type> [json] [--timeout ms] [--as id]``: one command,
every reply as a JSON line, the exit codes of ``missionctl send``."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from .address import parse_peer_spec
from .cli import milliseconds, parser, preamble
from .codec import MAX_JSON_DEPTH, nests_deeper_than
from .command_system import CommandSystem
from .config import Settings
from .errors import ConfigError, IpcError, LockTimeoutError, UnsafeIpcDirError, UsageError, quote
from .ids import is_command_type, is_group_target, is_process_id, is_target_id, target_matches
from .lock import acquire_id_lock
from .log import create_logger
from .request import ReplyEvent
from .setup import transport_from_settings

MAX_SEND_TIMEOUT_MS = 86_400_000
USAGE = """Usage: python3 -m missionctl.send <target> <command_type> [json-payload] [--timeout ms] [--as id]

Sends one command as process "cli" (or --as id) and prints every reply (the whole IPCCommand)
as one JSON line on stdout.

  <target>        a process id, "*" (everyone) or "prefix*" (every process whose id starts so)
  <command_type>  e.g. ping, status, finish_and_exit, exit_now, pause, resume, wake
  [json-payload]  a JSON object (default {})
  --timeout ms    how long to wait for terminal replies (default MISSIONCTL_REPLY_TIMEOUT_MS, 10000;
                  at most 86400000, a day)
  --as id         send as this process id (default cli); the target must hear it (a demo
                  strategy hears chatops,cli unless started with --hear)

Exit codes: 0 every expected terminal reply is ok; 1 an error reply, a timeout or a target that is
not connected (within 1.5 s); 2 bad usage or a bad configuration value. Concurrent sends with the
same id wait for each other (a lock in MISSIONCTL_IPC_DIR/locks, shared with `missionctl send`); a
lock left by a dead process is taken over. In proxy mode (MISSIONCTL_PROXY) nothing is bound and no
lock is taken; a group target reaches the processes present through the proxy.

Environment (and .env): MISSIONCTL_IPC_DIR (default /tmp/missionctl), MISSIONCTL_PROCESSES (peers
such as mm1=tcp://127.0.0.1:port), MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT,
MISSIONCTL_REPLY_TIMEOUT_MS, LOG_LEVEL. Logs go to stderr; stdout carries only the JSON reply lines."""


@dataclass
class SendArgs:
    target: str
    type: str
    payload: dict[str, Any]
    sender: str
    timeout_ms: int | None


def parse_args(argv: list[str]) -> SendArgs | None:
    p = parser("missionctl.send")
    p.add_argument("positionals", nargs="*")
    p.add_argument("--timeout")
    p.add_argument("--as", dest="sender")
    ns, extra = p.parse_known_args(argv)
    if ns.help:
        return None
    if extra:
        raise UsageError(f"unexpected argument {quote(extra[0])}")
    if len(ns.positionals) < 2:
        raise UsageError("missing <target> or <command_type>")
    if len(ns.positionals) > 3:
        raise UsageError(f"unexpected argument {quote(ns.positionals[3])}")
    target, command_type, *rest = ns.positionals
    if not is_target_id(target):
        raise UsageError(f"invalid target {quote(target)}")
    if not is_command_type(command_type):
        raise UsageError(f"invalid command type {quote(command_type)}")
    payload: Any = {}
    if rest:
        try:
            payload = json.loads(rest[0])
        except (ValueError, RecursionError):
            raise UsageError(f"payload is not JSON: {rest[0]}") from None
        if not isinstance(payload, dict):
            raise UsageError("payload must be a JSON object")
        if nests_deeper_than(payload, MAX_JSON_DEPTH - 1):
            raise UsageError(f"payload nests deeper than {MAX_JSON_DEPTH} levels")
    sender = ns.sender if ns.sender is not None else "cli"
    if not is_process_id(sender):
        raise UsageError(f"invalid --as id {quote(sender)}")
    timeout = milliseconds("--timeout", ns.timeout, 0, 1, MAX_SEND_TIMEOUT_MS) if ns.timeout is not None else None
    return SendArgs(target, command_type, payload, sender, timeout)


def _candidates(settings: Settings, target: str, me: str) -> list[str]:
    """The processes a target may reach: configured ones plus those with a socket in IPC_DIR/command."""
    if not is_group_target(target):
        return [target]
    ids = {parse_peer_spec(s).id for s in settings.processes}
    command_dir = os.path.join(settings.ipc_dir, "command")
    if os.path.isdir(command_dir):
        ids.update(name[:-4] for name in os.listdir(command_dir) if name.endswith(".ipc"))
    return sorted(i for i in ids if i != me and is_process_id(i) and target_matches(target, i))


async def _join(ipc: CommandSystem, settings: Settings, target: str) -> None:
    """Over ipc: hear whom the target may reach and, for a group, wait until they are reachable.
    Through the proxy: for a group, wait for the link and the presence it brings."""
    if settings.proxy is not None:
        if is_group_target(target):
            await ipc.wait_until_reachable([], 0)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 1.5
            while not ipc.proxy_link_up and loop.time() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # the subscriptions the proxy forwards follow its handshake
        return
    tcp = {parse_peer_spec(s).id: parse_peer_spec(s) for s in settings.processes}
    peers = _candidates(settings, target, ipc.id)
    for pid in peers:
        ipc.connect_to_process(tcp.get(pid) or pid)
    if is_group_target(target):
        await ipc.wait_until_reachable(peers, 1.5)


async def send(args: SendArgs, settings: Settings) -> int:
    log = create_logger("missionctl.send", settings.log_level, sys.stderr)
    transport = transport_from_settings(args.sender, settings, log)
    release = lambda: None  # noqa: E731
    if settings.proxy is None:
        release = await acquire_id_lock(
            settings.ipc_dir,
            args.sender,
            on_wait=lambda pid: print(f'missionctl send: waiting for "{args.sender}" (held by pid {pid})…', file=sys.stderr),
        )
    ipc = CommandSystem(transport, log=log)
    try:
        await ipc.start()
        await _join(ipc, settings, args.target)

        def show(event: ReplyEvent) -> None:
            sys.stdout.write(json.dumps(event.reply.as_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
            sys.stdout.flush()

        timeout_ms = args.timeout_ms or settings.reply_timeout_ms
        result = await ipc.request(args.target, args.type, args.payload, timeout_s=timeout_ms / 1000, on_reply=show)
        words = {"not_connected": "not connected", "timeout": "no reply in time", "disconnected": "disconnected"}
        for pid, why in result.missing.items():
            print(f"missionctl send: {pid}: {words.get(why, why)}", file=sys.stderr)
        if not result.expected:
            print(f"missionctl send: no process matches {args.target}", file=sys.stderr)
        return 0 if result.ok and result.expected else 1
    finally:
        await ipc.stop(0.1)
        release()


def main(argv: list[str] | None = None) -> int:
    start = preamble("send", USAGE, sys.argv[1:] if argv is None else argv, parse_args)
    if isinstance(start, int):
        return start
    args, settings = start
    try:
        return asyncio.run(send(args, settings))
    except (UnsafeIpcDirError, ConfigError) as err:
        print(f"missionctl send: {err}", file=sys.stderr)
        return 2
    except (IpcError, LockTimeoutError) as err:
        print(f"missionctl send: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
