"""The command system a process gets from the environment: the ipc layout, or proxy mode."""

from __future__ import annotations

import logging

from .certs import load_client_keys
from .command_system import CommandSystem
from .config import Settings, load_settings
from .proxy_transport import ProxyTransport
from .transport import Transport, ZmqTransport


def transport_from_settings(process_id: str, settings: Settings, log: logging.Logger) -> Transport:
    """ZeroMQ ipc under MISSIONCTL_IPC_DIR, or with MISSIONCTL_PROXY the proxy with CURVE (raises
    :class:`~missionctl.errors.ConfigError` for a certificate that cannot be used)."""
    if settings.proxy is None:
        return ZmqTransport(process_id, ipc_dir=settings.ipc_dir, log=log)
    assert settings.cert is not None and settings.proxy_cert is not None
    return ProxyTransport(
        process_id,
        settings.proxy,
        load_client_keys(settings.cert, settings.proxy_cert),
        heartbeat_ms=settings.link_heartbeat_ms,
        timeout_ms=settings.link_timeout_ms,
        connect_timeout_ms=settings.connect_timeout_ms,
        log=log,
    )


def default_ipc(process_id: str, log: logging.Logger, settings: Settings | None = None) -> tuple[CommandSystem, list[str]]:
    """The command system for ``process_id`` and whom it hears by default: the bot (MISSIONCTL_ID)
    and ``cli`` over ipc; nobody to name through the proxy, where everyone is heard."""
    settings = settings or load_settings()
    transport = transport_from_settings(process_id, settings, log)
    hear = [] if settings.proxy else [settings.bot_id, "cli"]
    return CommandSystem(transport, log=log), hear
