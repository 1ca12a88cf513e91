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


def tls_keys(
    tls: bool,
    ca_file: str | os.PathLike[str] | None,
    cert_file: str | os.PathLike[str] | None,
    key_file: str | os.PathLike[str] | None,
    server_name: str | None,
    insecure: bool,
) -> dict[str, Any]:
    """The TLS keys of an engine description (docs/socket.md); the options
    without ``tls=True`` are refused rather than ignored."""
    if not tls:
        if ca_file or cert_file or key_file or server_name or insecure:
            raise ValueError("ca_file, cert_file, key_file, server_name and insecure need tls=True")
        return {}
    files = {"ca_file": ca_file, "cert_file": cert_file, "key_file": key_file}
    keys: dict[str, Any] = {key: os.fspath(value) for key, value in files.items() if value is not None}
    if server_name is not None:
        keys["server_name"] = server_name
    return {"tls": True, "insecure": insecure, **keys}


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
        description.update(tls_keys(tls, ca_file, cert_file, key_file, server_name, insecure))
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


class _RemadeOnChange(Handler):
    """A drop-in whose engine handler is made from attributes the standard
    library lets a program change after construction (``handler.ident =
    ...``, ``handler.method = "POST"``): changing one makes a new engine
    handler in the old one's place."""

    #: The attributes the engine handler is made from.
    _made_from: tuple[str, ...] = ()

    def _engine_new(self, *args: Any) -> object:
        """The engine handler for the current settings."""
        raise NotImplementedError

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in self._made_from and self.__dict__.get("_handle") and not self._caller_side:
            self._remake()

    def _remake(self) -> None:
        """A new engine handler with the changed settings, in the old one's
        place on every logger (the old one drains first)."""
        from ._logger import replace_engine_handler  # late: _logger imports this module

        with self.lock:
            old = self._handle
            self._open(self._engine_new, 0, "block", 0)
            for _filter, handle in self._engine_filters:
                engine.handler_add_filter(self._handle, handle)
            if self.formatter is not None:
                self.setFormatter(self.formatter)
            replace_engine_handler(old, self)
            engine.handler_close(old, 5000)


#: Steps of the standard library's ``SysLogHandler`` a subclass may change;
#: with any of them (or ``emit``) overridden, its code sends, on the thread
#: that logs.
_SYSLOG_HOOKS = ("mapPriority", "encodePriority", "createSocket")


class SysLogHandler(_RemadeOnChange):
    """``logging.handlers.SysLogHandler``: the standard library's messages
    (``<PRI>`` + ``ident`` + the formatted text, NUL-terminated unless
    ``append_nul`` is false) over UDP (the default, ``localhost:514``), TCP
    (``socktype=socket.SOCK_STREAM``) or a Unix socket (``address`` a path
    such as ``"/dev/log"``), formatted and sent by the worker thread. A
    server that is down never makes a logging call wait: the worker retries
    and holds up to 4 MiB meanwhile. A subclass overriding ``emit``,
    ``mapPriority``, ``encodePriority`` or ``createSocket`` runs the standard
    library's code instead, on the thread that logs. RFC 5424 messages:
    ``FemtoSysLogHandler`` (docs/syslog.md)."""

    _stdlib_class = _stdlib_handlers.SysLogHandler
    # The standard library's steps (its tables are copied below).
    mapPriority = _stdlib_handlers.SysLogHandler.mapPriority  # noqa: N815 (stdlib names)
    encodePriority = _stdlib_handlers.SysLogHandler.encodePriority  # noqa: N815
    createSocket = _stdlib_handlers.SysLogHandler.createSocket  # noqa: N815
    _connect_unixsocket = _stdlib_handlers.SysLogHandler._connect_unixsocket
    ident = ""
    append_nul = True
    _made_from = ("ident", "append_nul", "facility")
    #: RFC 5424 instead of the standard library's layout.
    _rfc5424 = False
    #: TLS keys of the engine's description (``FemtoSysLogHandler``).
    _tls: dict[str, Any] = {}  # noqa: RUF012 (never changed in place)

    def __init__(
        self,
        address: Any = ("localhost", _stdlib_handlers.SYSLOG_UDP_PORT),
        facility: int | str = _stdlib_handlers.SysLogHandler.LOG_USER,
        socktype: Any = None,
    ) -> None:
        import socket as _socket

        self.address = address
        self.facility = facility
        self.unixsocket = isinstance(address, str)
        # As the standard library after its ``createSocket``; a Unix path
        # keeps ``None`` ("datagram, else stream").
        self.socktype = socktype if socktype is not None or self.unixsocket else _socket.SOCK_DGRAM
        self.socket: Any = None
        Handler.__init__(self)
        if self._handle and self._caller_side:
            self.createSocket()  # the standard library's code sends (see the class's doc)
            return
        self._open(self._engine_new, 0, "block", 0)

    def _description(self) -> str:
        import socket as _socket

        facility = self.facility
        if isinstance(facility, str):
            facility = self.facility_names[facility]  # type: ignore[attr-defined]
        stream = self.socktype == _socket.SOCK_STREAM
        where: dict[str, Any] = (
            {"path": self.address} if self.unixsocket else {"host": self.address[0], "port": self.address[1]}
        )
        return json.dumps(
            {
                "class": "syslog",
                **where,
                "socktype": "tcp" if stream else "udp",
                "facility": facility,
                "ident": self.ident,
                "append_nul": self.append_nul,
                "format": "rfc5424" if self._rfc5424 else "stdlib",
                **self._tls,
            }
        )

    def _engine_new(self, *args: Any) -> object:
        return engine.handler_new(self._description(), *args)

    def _is_python_handler(self) -> bool:
        cls = type(self)
        overridden = any(getattr(cls, hook) is not getattr(SysLogHandler, hook) for hook in _SYSLOG_HOOKS)
        # ``socktype=None`` on a Unix path means "datagram, else stream"; the
        # standard library decides that at connection time.
        return overridden or (self.unixsocket and self.socktype is not None) or super()._is_python_handler()

    @_native
    def emit(self, record: stdlib.LogRecord) -> None:
        if not self._caller_side:
            _emit_to_engine(self, record)
            return
        self._stdlib_class.emit(self, record)

    def close(self) -> None:
        """As the standard library's: closes the connection, and a record
        that still reaches the handler opens a new one (its worker drains
        and ends; a logger that still holds the handler gets a fresh one)."""
        with self.lock:
            sock, self.socket = self.socket, None
            if sock is not None:
                sock.close()
        if self._caller_side or not self._handle:
            Handler.close(self)
            return
        from ._logger import held_by_a_logger  # late: _logger imports this module

        if held_by_a_logger(self._handle):
            self._remake()
        else:
            Handler.close(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address!r} ({_level_name(self.level)})>"


# The standard library's tables (``LOG_USER``, ``facility_names`` ...).
for _name, _value in vars(_stdlib_handlers.SysLogHandler).items():
    if _name.startswith("LOG_") or _name in ("priority_names", "facility_names", "priority_map"):
        setattr(SysLogHandler, _name, _value)


class FemtoSysLogHandler(SysLogHandler):
    """RFC 5424 syslog: ``<PRI>1 TIMESTAMP HOST APP-NAME PID - [femto@32473
    key="value" ...] text`` with the record's key-values (``extra``) as
    structured data, octet-counted over TCP (RFC 6587). ``ident`` is the
    APP-NAME. ``tls=True`` (with ``socktype=socket.SOCK_STREAM``) sends over
    TLS (RFC 5425) with the socket handler's TLS options."""

    _rfc5424 = True

    def __init__(
        self,
        address: Any = ("localhost", _stdlib_handlers.SYSLOG_UDP_PORT),
        facility: int | str = _stdlib_handlers.SysLogHandler.LOG_USER,
        socktype: Any = None,
        *,
        tls: bool = False,
        ca_file: str | os.PathLike[str] | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        server_name: str | None = None,
        insecure: bool = False,
    ) -> None:
        self._tls = tls_keys(tls, ca_file, cert_file, key_file, server_name, insecure)
        super().__init__(address, facility, socktype)
