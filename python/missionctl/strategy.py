"""``python3 -m missionctl.strategy ID``: a demo strategy with the flags and behaviour of
``missionctl strategy`` (simulated work per step that exit_now cuts short, then a sleep)."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass

from .address import parse_peer_spec, plain_address_problem
from .cli import milliseconds, parser, preamble
from .command_system import CommandSystem
from .errors import ConfigError, UnsafeIpcDirError, UsageError, quote
from .ids import is_process_id
from .ipc_dir import ensure_ipc_dir
from .log import create_logger
from .runtime import MAX_HEARTBEAT_S, MAX_INTERVAL_S, StrategyRuntime
from .setup import transport_from_settings
from .step import StepContext

DEFAULT_STEP_MS, DEFAULT_INTERVAL_MS, DEFAULT_HEARTBEAT_MS = 1000, 10_000, 5000
MAX_INTERVAL_MS, MAX_HEARTBEAT_MS = int(MAX_INTERVAL_S * 1000), int(MAX_HEARTBEAT_S * 1000)

USAGE = f"""Usage: python3 -m missionctl.strategy <id> [--step-ms N] [--interval-ms N] [--heartbeat-ms N] [--hear ids]

Runs a demo strategy process: step (simulated work), sleep, step, ... It answers ping, status,
finish_and_exit, exit_now, pause, resume and wake at any moment, publishes a heartbeat every
--heartbeat-ms, and `stopped` before a planned exit (also on SIGTERM / SIGINT; a second signal
aborts the running step). It binds ipc://$MISSIONCTL_IPC_DIR/command/<id>.ipc; with MISSIONCTL_PROXY
set it binds nothing and connects to the proxy instead, hearing every process through it.

  <id>              process id: letters, digits, _ and -, at most 40
  --step-ms N       simulated work per step, in ms (default {DEFAULT_STEP_MS}, at most a year)
  --interval-ms N   sleep between steps, in ms (default {DEFAULT_INTERVAL_MS}, at most a year)
  --heartbeat-ms N  heartbeat interval, in ms (default {DEFAULT_HEARTBEAT_MS}, at most a day)
  --hear ids        comma-separated processes to take commands from, id or id=tcp://127.0.0.1:port
                    (default MISSIONCTL_ID and cli: chatops,cli unless MISSIONCTL_ID is set)

Environment (and .env): MISSIONCTL_IPC_DIR (default /tmp/missionctl), MISSIONCTL_ID (default chatops),
MISSIONCTL_PROXY, MISSIONCTL_CERT, MISSIONCTL_PROXY_CERT (proxy mode), LOG_LEVEL (default info);
logs are JSON lines on stdout. Exit codes: 0 after a planned exit, 1 after a crash, 2 on bad usage."""


@dataclass
class StrategyArgs:
    id: str
    step_ms: int
    interval_ms: int
    heartbeat_ms: int
    hear: list[str] | None


def parse_args(argv: list[str]) -> StrategyArgs | None:
    """The command line, or ``None`` for ``--help``; raises :class:`UsageError` on anything else."""
    p = parser("missionctl.strategy")
    p.add_argument("id", nargs="?")
    for flag in ("--step-ms", "--interval-ms", "--heartbeat-ms", "--hear"):
        p.add_argument(flag)
    ns, extra = p.parse_known_args(argv)
    if ns.help:
        return None
    if extra:
        raise UsageError(f"unexpected argument {quote(extra[0])}")
    if ns.id is None:
        raise UsageError("missing <id>")
    if not is_process_id(ns.id):
        raise UsageError(f"invalid id {quote(ns.id)}: letters, digits, _ and -, at most 40")
    hear = [s.strip() for s in ns.hear.split(",")] if ns.hear is not None else None
    for spec in hear or []:
        peer = parse_peer_spec(spec)
        if not is_process_id(peer.id):
            raise UsageError(f"--hear: invalid process id {quote(spec)}")
        problem = plain_address_problem(peer.address) if peer.address is not None else None
        if problem:
            raise UsageError(f"--hear: {problem}")
    return StrategyArgs(
        id=ns.id,
        step_ms=milliseconds("--step-ms", ns.step_ms, DEFAULT_STEP_MS, 0, MAX_INTERVAL_MS),
        interval_ms=milliseconds("--interval-ms", ns.interval_ms, DEFAULT_INTERVAL_MS, 0, MAX_INTERVAL_MS),
        heartbeat_ms=milliseconds("--heartbeat-ms", ns.heartbeat_ms, DEFAULT_HEARTBEAT_MS, 1, MAX_HEARTBEAT_MS),
        hear=hear,
    )


def main(argv: list[str] | None = None) -> int:
    start = preamble("strategy", USAGE, sys.argv[1:] if argv is None else argv, parse_args)
    if isinstance(start, int):
        return start
    args, settings = start
    try:
        if settings.proxy is None:
            ensure_ipc_dir(settings.ipc_dir)  # refused before anything binds: exit 2, one line
        log = create_logger("missionctl", settings.log_level)
        transport = transport_from_settings(args.id, settings, log)
    except (UnsafeIpcDirError, ConfigError) as err:
        print(f"missionctl strategy: {err}", file=sys.stderr)
        return 2
    step_s = args.step_ms / 1000

    async def step(ctx: StepContext) -> None:
        ctx.log.info("step started")
        try:
            await ctx.sleep(step_s)
        except asyncio.CancelledError:
            ctx.log.info("step aborted")
            raise
        ctx.log.info("step finished")

    hear = args.hear if args.hear is not None else ([] if settings.proxy else [settings.bot_id, "cli"])
    runtime = StrategyRuntime(
        args.id,
        step,
        args.interval_ms / 1000,
        hear=hear,
        heartbeat_s=args.heartbeat_ms / 1000,
        ipc=CommandSystem(transport, log=log),
        log=log,
    )
    return asyncio.run(runtime.run())


if __name__ == "__main__":
    sys.exit(main())
