"""The engine's socket handler from Python: each record as a MessagePack
frame to a receiver over TCP, TLS or a Unix socket (docs/socket.md). The
worker thread connects, frames, writes and reconnects; the logging call
only queues the record."""

from __future__ import annotations

import json
import os
from typing import Any

from ._backend import engine
from ._handler import Handler, _level_name
from ._levels import NOTSET

#: Seconds-valued options and their keys (milliseconds) in the description.
_DURATIONS = {
    "connect_timeout": "connect_timeout_ms",
    "write_timeout": "write_timeout_ms",
    "backoff_base": "backoff_base_ms",
    "backoff_cap": "backoff_cap_ms",
    "backoff_reset": "backoff_reset_ms",
    "retry_deadline": "retry_deadline_ms",
}


def _millis(option: str, seconds: float) -> int:
    if not seconds > 0:
        raise ValueError(f"{option} must be above zero seconds, not {seconds!r}")
    return max(1, round(seconds * 1000))


class FemtoSocketHandler(Handler):
    """Sends each record to a receiver (``python -m femtologging.receiver``)
    over TCP (``host`` and ``port``; IPv4, IPv6, names) or a Unix socket
    (``path``), optionally with TLS over TCP (``tls=True``: certificate and
    host name checked against the system's roots or ``ca_file``; ``insecure``
    turns the checks off and says so once in the log).

    Connecting is lazy and on the worker thread; a lost connection is retried
    with backoff (``backoff_base`` 0.1 s doubling to ``backoff_cap`` 10 s,
    full jitter, reset after ``backoff_reset`` 30 s of healthy writes) while
    up to ``max_buffered_bytes`` of frames wait. After ``retry_deadline``
    (120 s) of outage the waiting records are dropped, counted and reported.
    Times are in seconds. What is lost is counted; see docs/socket.md.
    """

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        tls: bool = False,
        ca_file: str | os.PathLike[str] | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        server_name: str | None = None,
        insecure: bool = False,
        connect_timeout: float = 5.0,
        write_timeout: float = 5.0,
        max_frame_bytes: int = 1 << 20,
        max_buffered_bytes: int = 4 << 20,
        backoff_base: float = 0.1,
        backoff_cap: float = 10.0,
        backoff_reset: float = 30.0,
        retry_deadline: float = 120.0,
        level: int | str = NOTSET,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        Handler.__init__(self, level)
        description: dict[str, Any] = {"class": "socket", "tls": tls}
        if host is not None or port is not None:
            description.update(host=host, port=port)
        if path is not None:
            description["path"] = os.fspath(path)
        if tls:
            files = {"ca_file": ca_file, "cert_file": cert_file, "key_file": key_file}
            description.update({key: os.fspath(value) for key, value in files.items() if value is not None})
            if server_name is not None:
                description["server_name"] = server_name
            description["insecure"] = insecure
        elif ca_file or cert_file or key_file or server_name or insecure:
            raise ValueError("ca_file, cert_file, key_file, server_name and insecure need tls=True")
        seconds = {
            "connect_timeout": connect_timeout,
            "write_timeout": write_timeout,
            "backoff_base": backoff_base,
            "backoff_cap": backoff_cap,
            "backoff_reset": backoff_reset,
            "retry_deadline": retry_deadline,
        }
        for option, value in seconds.items():
            description[_DURATIONS[option]] = _millis(option, value)
        description.update(max_frame_bytes=max_frame_bytes, max_buffered_bytes=max_buffered_bytes)
        if path is not None:
            self.address: str = f"unix:{os.fspath(path)}"
        else:
            bracketed = f"[{host}]" if host and ":" in host and not host.startswith("[") else host
            self.address = f"{'tls' if tls else 'tcp'}://{bracketed}:{port}"
        text = json.dumps(description)
        self._open(lambda *args: engine.handler_new(text, *args), capacity, overflow, timeout_ms)

    def __repr__(self) -> str:
        # The address only: never a file the options name.
        return f"<{type(self).__name__} {self.address} ({_level_name(self.level)})>"
