"""CURVE keys for proxy mode, from certificate files in the ZeroMQ format (``zmq.auth``)."""

from __future__ import annotations

import os
from typing import NamedTuple

from .errors import ConfigError


class CurveKeys(NamedTuple):
    """This process's key pair and the proxy's public key, Z85 bytes (40 characters each)."""

    public: bytes
    secret: bytes
    server: bytes


def load_client_keys(cert: str, proxy_cert: str) -> CurveKeys:
    """Loads MISSIONCTL_CERT (our ``*.key_secret``) and MISSIONCTL_PROXY_CERT (the proxy's ``*.key``).

    Refuses a secret certificate readable by group or others, one without a secret key, and files
    that cannot be read, with one line each (:class:`ConfigError`).
    """
    import zmq.auth

    problems: list[str] = []
    keys: list[tuple[bytes, bytes | None]] = []
    for name, path in (("MISSIONCTL_CERT", cert), ("MISSIONCTL_PROXY_CERT", proxy_cert)):
        try:
            if name == "MISSIONCTL_CERT" and os.stat(path).st_mode & 0o077:
                problems.append(f"{name}: {path} is readable by group or others; run `chmod 600 {path}`")
                continue
            keys.append(zmq.auth.load_certificate(path))
        except (OSError, ValueError) as err:
            problems.append(f"{name}: cannot read certificate {path}: {err}")
    if not problems and not keys[0][1]:
        problems.append(f"MISSIONCTL_CERT: {cert} holds no secret-key; give the *.key_secret file")
    if problems:
        raise ConfigError(problems)
    (public, secret), (server, _) = keys
    assert secret is not None
    return CurveKeys(public, secret, server)
