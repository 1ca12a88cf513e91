"""The engine's socket handler from Python: each record as a MessagePack
frame to a receiver over TCP, TLS or a Unix socket (docs/socket.md). The
worker thread connects, frames, writes and reconnects; the logging call
only queues the record."""

from __future__ import annotations

import json
import logging as stdlib
import logging.handlers as _stdlib_handlers
import os
from typing import Any

from ._backend import engine
from ._handler import Handler, _emit_to_engine, _level_name, _native
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


#: Methods of the standard library's socket handlers a subclass may
#: override; with any of them (or ``emit``) overridden, the standard
#: library's code sends, calling them, on the thread that logs.
_PYTHON_HOOKS = ("makePickle", "send", "makeSocket", "createSocket")


class SocketHandler(Handler):
    """``logging.handlers.SocketHandler``: each record a 4-byte length and a
    pickled dict of its attributes, so receivers written for the standard
    library (``logging.makeLogRecord(pickle.loads(...))``) keep working.
    ``port=None`` makes ``host`` a Unix socket path.

    The worker thread pickles and sends; the logging call only queues. While
    the receiver is unreachable the worker retries (after 1 s, doubling up to
    30 s, as ``retryStart``/``retryMax``) and holds up to 4 MiB of records,
    dropping and counting beyond that, so a receiver that is down never makes
    a logging call wait; the standard library's handler drops every record it
    cannot send at once. While the receiver keeps up, nothing is dropped. A subclass overriding ``emit``,
    ``makePickle``, ``send``, ``makeSocket`` or ``createSocket`` runs the
    standard library's code instead, on the thread that logs.
    """

    _stdlib_class: type[Any] = _stdlib_handlers.SocketHandler
    #: The engine's description of the transport.
    _datagram = False

    # The standard library's code, for subclasses that change a step of it.
    makeSocket = _stdlib_handlers.SocketHandler.makeSocket  # noqa: N815 (stdlib names)
    createSocket = _stdlib_handlers.SocketHandler.createSocket  # noqa: N815
    send = _stdlib_handlers.SocketHandler.send
    makePickle = _stdlib_handlers.SocketHandler.makePickle  # noqa: N815

    def __init__(self, host: str, port: int | None) -> None:
        self.host = host
        self.port = port
        self.address: Any = host if port is None else (host, port)
        self.sock: Any = None
        self.closeOnError = False
        self.retryTime: float | None = None
        self.retryStart = 1.0
        self.retryMax = 30.0
        self.retryFactor = 2.0
        Handler.__init__(self)
        if self._handle:
            return  # the standard library's code sends (see the class's doc)
        where: dict[str, Any] = {"path": host} if port is None else {"host": host, "port": port}
        description = json.dumps({"class": "stdlib_datagram" if self._datagram else "stdlib_socket", **where})
        self._open(lambda *args: engine.handler_new(description, *args), 0, "block", 0)

    def _is_python_handler(self) -> bool:
        cls, stdlib_class = type(self), self._stdlib_class
        overridden = any(getattr(cls, hook) is not getattr(stdlib_class, hook) for hook in _PYTHON_HOOKS)
        return overridden or super()._is_python_handler()

    @_native
    def emit(self, record: stdlib.LogRecord) -> None:
        """Queues the record for the worker, or (for a subclass that changes
        a step) sends it with the standard library's code."""
        if not self._caller_side:
            _emit_to_engine(self, record)
            return
        self._stdlib_class.emit(self, record)

    def handleError(self, record: stdlib.LogRecord) -> None:  # noqa: N802 (stdlib name)
        if self._caller_side:
            # The standard library's: drop the connection, then report.
            if self.closeOnError and self.sock:
                self.sock.close()
                self.sock = None
        Handler.handleError(self, record)

    def close(self) -> None:
        with self.lock:
            sock, self.sock = self.sock, None
            if sock is not None:
                sock.close()
        Handler.close(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address!r} ({_level_name(self.level)})>"


class DatagramHandler(SocketHandler):
    """``logging.handlers.DatagramHandler``: the same pickles, one UDP
    datagram each (``port=None``: a Unix datagram socket, sent by the
    standard library's code), sent by the worker."""

    _stdlib_class = _stdlib_handlers.DatagramHandler
    _datagram = True

    makeSocket = _stdlib_handlers.DatagramHandler.makeSocket  # noqa: N815
    send = _stdlib_handlers.DatagramHandler.send

    def __init__(self, host: str, port: int | None) -> None:
        super().__init__(host, port)
        self.closeOnError = False

    def _is_python_handler(self) -> bool:
        # A Unix datagram socket is the standard library's to send to.
        return self.port is None or super()._is_python_handler()
