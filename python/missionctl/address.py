"""Addresses: a process's ipc command address, loopback-only plain tcp, and the proxy's two ports."""

from __future__ import annotations

import ipaddress
import os
import re
from typing import NamedTuple

from .errors import IpcError, quote

_TCP = re.compile(r"tcp://(\[[^\]]+\]|[^:/\[\]]+):(\d{1,5})")
_PROXY = re.compile(r"tcp://(\*|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})")


class PeerSpec(NamedTuple):
    """A process to hear: its id, and its address when it is not the ipc one."""

    id: str
    address: str | None = None


def parse_peer_spec(spec: str) -> PeerSpec:
    """``mm1`` or ``mm1=tcp://127.0.0.1:7001``.

    >>> parse_peer_spec("mm1=tcp://127.0.0.1:7001")
    PeerSpec(id='mm1', address='tcp://127.0.0.1:7001')
    """
    if "=" not in spec:
        return PeerSpec(spec.strip())
    ident, address = spec.split("=", 1)
    return PeerSpec(ident.strip(), address.strip())


def command_address(ipc_dir: str, process_id: str) -> str:
    """``ipc://{IPC_DIR}/command/{id}.ipc``."""
    return f"ipc://{os.path.join(ipc_dir, 'command', process_id + '.ipc')}"


def plain_address_problem(address: str) -> str | None:
    """Why ``address`` may not be used without the proxy's CURVE (``None`` when it may): ``ipc://``,
    or ``tcp://`` on loopback only; a plain tcp socket on a network would let anyone command strategies.
    """
    if address.startswith("ipc://"):
        return None if len(address) > len("ipc://") else "ipc:// needs a path"
    match = _TCP.fullmatch(address)
    if not match:
        return f"{address} is not tcp://HOST:PORT or ipc://PATH"
    host, port = match.group(1).strip("[]"), int(match.group(2))
    if not 1 <= port <= 65535:
        return f"{address}: port {port} is out of range"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return (
            f"{address} is not a loopback address; plain tcp is refused on a network "
            "(use 127.0.0.1, or the proxy with CURVE across hosts)"
        )
    return None


def proxy_address_problem(address: str) -> str | None:
    """Why ``address`` cannot be MISSIONCTL_PROXY (``tcp://HOST:PORT``; PORT + 1 is the backend)."""
    match = _PROXY.fullmatch(address)
    if not match or not 1 <= int(match.group(2)) <= 65534:
        return f"{quote(address)} is not tcp://HOST:PORT with PORT from 1 to 65534 (PORT + 1 is the backend)"
    if match.group(1) == "*":
        return f'{address}: "*" binds every interface; connect to the proxy\'s host name or address'
    return None


def proxy_endpoints(address: str) -> tuple[str, str]:
    """The proxy's frontend (publishers connect) and backend (subscribers connect): PORT and PORT + 1.

    >>> proxy_endpoints("tcp://10.0.0.5:7000")
    ('tcp://10.0.0.5:7000', 'tcp://10.0.0.5:7001')
    """
    problem = proxy_address_problem(address)
    if problem:
        raise IpcError("INVALID_ADDRESS", problem, address=address)
    host, port = address[len("tcp://") :].rsplit(":", 1)
    return f"tcp://{host}:{port}", f"tcp://{host}:{int(port) + 1}"
