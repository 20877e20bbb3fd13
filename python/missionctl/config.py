"""The environment the Python side reads (the same names as the TypeScript side), parsed once.

Variables set in the environment win over a ``.env`` file in the working directory; empty values
count as unset; every bad value is reported at once, one line each, in a :class:`ConfigError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .address import parse_peer_spec, plain_address_problem, proxy_address_problem
from .errors import ConfigError, quote
from .ids import is_process_id

LOG_LEVELS = ("trace", "debug", "info", "warn", "error", "fatal", "silent")
NAMES = (
    "MISSIONCTL_IPC_DIR",
    "MISSIONCTL_ID",
    "MISSIONCTL_PROCESSES",
    "MISSIONCTL_REPLY_TIMEOUT_MS",
    "MISSIONCTL_PROXY",
    "MISSIONCTL_CERT",
    "MISSIONCTL_PROXY_CERT",
    "MISSIONCTL_LINK_HEARTBEAT_MS",
    "MISSIONCTL_LINK_TIMEOUT_MS",
    "MISSIONCTL_CONNECT_TIMEOUT_MS",
    "LOG_LEVEL",
)


@dataclass(frozen=True)
class Settings:
    ipc_dir: str = "/tmp/missionctl"
    #: The bot's process id, heard by a strategy by default.
    bot_id: str = "chatops"
    #: Peer specs, ``mm1`` or ``mm1=tcp://127.0.0.1:7001``.
    processes: tuple[str, ...] = ()
    reply_timeout_ms: int = 10_000
    proxy: str | None = None
    cert: str | None = None
    proxy_cert: str | None = None
    link_heartbeat_ms: int = 1000
    link_timeout_ms: int = 3000
    connect_timeout_ms: int = 1000
    log_level: str = "info"
    problems: list[str] = field(default_factory=list, compare=False, repr=False)


def parse_dotenv(text: str) -> dict[str, str]:
    """The TypeScript side's rules (Node's ``util.parseEnv`` one line at a time): ``NAME=value``
    lines, optional ``export``, ``#`` ends an unquoted value, single, double or backtick quotes
    (double quotes understand ``\\n``), anything after the closing quote ignored; a line that is not
    an assignment, or whose quote is never closed, is skipped.

    >>> parse_dotenv('A=1\\n# note\\nexport B="two words"\\nC=x#y')
    {'A': '1', 'B': 'two words', 'C': 'x'}
    """
    out: dict[str, str] = {}
    for raw in text.splitlines():
        match = re.fullmatch(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)", raw.strip())
        if not match:
            continue
        value = match.group(2).strip()
        if value[:1] in ("'", '"', "`"):
            end = value.find(value[0], 1)
            if end < 0:
                continue  # an unclosed quote: skipped, not read as a raw value
            inner = value[1:end]
            value = inner.replace("\\n", "\n") if value[0] == '"' else inner
        else:
            value = value.split("#", 1)[0].strip()
        out[match.group(1)] = value
    return out


def _int(raw: str | None, name: str, default: int, maximum: int, problems: list[str]) -> int:
    if raw is None:
        return default
    if not re.fullmatch(r"\d+", raw) or not 1 <= int(raw) <= maximum:
        problems.append(f"{name}: must be a positive integer of at most {maximum}, not {quote(raw)}")
        return default
    return int(raw)


def load_settings(env: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
    """Reads and validates the configuration; raises :class:`ConfigError` listing every problem.

    >>> load_settings({"MISSIONCTL_IPC_DIR": "/tmp/x"}, env_file=None).ipc_dir
    '/tmp/x'
    """
    source = os.environ if env is None else env
    from_file: dict[str, str] = {}
    if env_file and os.path.isfile(env_file):
        with open(env_file, encoding="utf-8") as f:
            from_file = parse_dotenv(f.read())
    values: dict[str, str | None] = {}
    for name in NAMES:
        value = source.get(name)
        if value is None or not value.strip():
            value = from_file.get(name)
        values[name] = value.strip() if value and value.strip() else None
    problems: list[str] = []
    bot_id = values["MISSIONCTL_ID"] or "chatops"
    if not is_process_id(bot_id):
        problems.append(f"MISSIONCTL_ID: {quote(bot_id)} is not a process id")
    processes = tuple(s.strip() for s in (values["MISSIONCTL_PROCESSES"] or "").split(",") if s.strip())
    for spec in processes:
        peer = parse_peer_spec(spec)
        problem = plain_address_problem(peer.address) if peer.address is not None else None
        if not is_process_id(peer.id):
            problems.append(f"MISSIONCTL_PROCESSES: {quote(peer.id)} is not a process id")
        elif problem:
            problems.append(f"MISSIONCTL_PROCESSES: {peer.id}: {problem}")
    proxy = values["MISSIONCTL_PROXY"]
    if proxy is not None:
        problem = proxy_address_problem(proxy)
        if problem:
            problems.append(f"MISSIONCTL_PROXY: {problem}")
        why = "required in proxy mode (MISSIONCTL_PROXY is set)"
        if values["MISSIONCTL_CERT"] is None:
            problems.append(f"MISSIONCTL_CERT: {why}: this process's secret certificate, a *.key_secret file")
        if values["MISSIONCTL_PROXY_CERT"] is None:
            problems.append(f"MISSIONCTL_PROXY_CERT: {why}: the proxy's public certificate, its *.key file")
    heartbeat = _int(values["MISSIONCTL_LINK_HEARTBEAT_MS"], "MISSIONCTL_LINK_HEARTBEAT_MS", 1000, 60_000, problems)
    timeout = _int(values["MISSIONCTL_LINK_TIMEOUT_MS"], "MISSIONCTL_LINK_TIMEOUT_MS", 3000, 600_000, problems)
    if timeout <= heartbeat:
        problems.append(f"MISSIONCTL_LINK_TIMEOUT_MS: must be longer than MISSIONCTL_LINK_HEARTBEAT_MS ({timeout} <= {heartbeat})")
    level = values["LOG_LEVEL"] or "info"
    if level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL: must be one of {', '.join(LOG_LEVELS)}")
    settings = Settings(
        ipc_dir=values["MISSIONCTL_IPC_DIR"] or "/tmp/missionctl",
        bot_id=bot_id,
        processes=processes,
        reply_timeout_ms=_int(values["MISSIONCTL_REPLY_TIMEOUT_MS"], "MISSIONCTL_REPLY_TIMEOUT_MS", 10_000, 3_600_000, problems),
        proxy=proxy,
        cert=values["MISSIONCTL_CERT"],
        proxy_cert=values["MISSIONCTL_PROXY_CERT"],
        link_heartbeat_ms=heartbeat,
        link_timeout_ms=timeout,
        connect_timeout_ms=_int(values["MISSIONCTL_CONNECT_TIMEOUT_MS"], "MISSIONCTL_CONNECT_TIMEOUT_MS", 1000, 60_000, problems),
        log_level=level,
    )
    if problems:
        raise ConfigError(problems)
    return settings
