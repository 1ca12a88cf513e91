"""Builders: the roadmap's programmatic configuration, with the same names
and options as the Rust builders (``femto_core::builder`` and
``femto_core::config``).

    from femtologging.builders import RotatingFileHandlerBuilder

    handler = (
        RotatingFileHandlerBuilder("app.log")
        .max_bytes(1 << 20)
        .backup_count(5)
        .format("%(asctime)s %(levelname)s %(name)s: %(message)s")
        .build()
    )

A builder collects options; ``build()`` validates them and returns a
handler (``femtologging.handlers.RotatingFileHandler`` here), so a builder
can be kept and built again.

A whole configuration names formatters, filters and handlers once and lets
loggers use them by name; ``build_and_init()`` checks every reference
first (errors name the key, as a configuration file's do) and then applies
everything as one change, closing the handlers of the configuration before:

    from femtologging.builders import ConfigBuilder, FormatterBuilder, LoggerBuilder

    (
        ConfigBuilder()
        .formatter("plain", FormatterBuilder("%(levelname)s %(name)s: %(message)s"))
        .handler("file", FileHandlerBuilder("app.log"), formatter="plain")
        .root(LoggerBuilder().level("INFO").handlers(["file"]))
        .build_and_init()
    )
"""

from __future__ import annotations

import logging as _stdlib
import os
import sys
import time
from typing import Any, TypeVar

from ._errors import FemtoValueError
from ._filters import LevelFilter
from ._formatter import Formatter, JsonFormatter
from ._handler import FileHandler, Handler, StreamHandler
from ._levels import NOTSET, check_level

__all__ = [
    "ConfigBuilder",
    "FileHandlerBuilder",
    "FilterBuilder",
    "HTTPHandlerBuilder",
    "FormatterBuilder",
    "LoggerBuilder",
    "RotatingFileHandlerBuilder",
    "SocketHandlerBuilder",
    "StreamHandlerBuilder",
    "TimedRotatingFileHandlerBuilder",
]

#: The status a configuration error carries (the C API's INVALID_ARGUMENT).
_INVALID = 7002

_Self = TypeVar("_Self", bound="_HandlerBuilder")


class _HandlerBuilder:
    """The options every handler has."""

    def __init__(self) -> None:
        self._level: int = NOTSET
        self._format: str | None = None
        self._style = "%"
        self._datefmt: str | None = None
        self._queue: dict[str, Any] = {}
        self._name: str | None = None

    def level(self: _Self, level: int | str) -> _Self:
        self._level = check_level(level)
        return self

    def format(self: _Self, fmt: str) -> _Self:
        """A format such as ``"%(asctime)s %(levelname)s %(message)s"``."""
        self._format = fmt
        return self

    def style(self: _Self, style: str) -> _Self:
        """``"%"``, ``"{"`` or ``"$"``: the syntax of ``format``."""
        self._style = style
        return self

    def datefmt(self: _Self, datefmt: str) -> _Self:
        self._datefmt = datefmt
        return self

    def capacity(self: _Self, records: int) -> _Self:
        self._queue["capacity"] = records
        return self

    def overflow(self: _Self, policy: str, timeout_ms: int = 0) -> _Self:
        """``"block"`` (default), ``"drop"`` or ``"timeout"`` (waits ``timeout_ms``)."""
        self._queue["overflow"] = policy
        self._queue["timeout_ms"] = timeout_ms
        return self

    def name(self: _Self, name: str) -> _Self:
        self._name = name
        return self

    def _formatter(self) -> Formatter | None:
        """Validated before the handler opens anything."""
        if self._format is None and self._datefmt is None:
            return None
        return Formatter(self._format, self._datefmt, self._style)

    def _finish(self, handler: Handler, formatter: Formatter | None) -> Handler:
        handler.setLevel(self._level)
        handler.name = self._name
        if formatter is not None:
            handler.setFormatter(formatter)
        return handler


class StreamHandlerBuilder(_HandlerBuilder):
    """``StreamHandler``: standard error by default, or any stream."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__()
        self._stream = stream

    def build(self) -> StreamHandler:
        formatter = self._formatter()
        stream = sys.stderr if self._stream is None else self._stream
        return self._finish(StreamHandler(stream, **self._queue), formatter)  # type: ignore[return-value]


class FileHandlerBuilder(_HandlerBuilder):
    """``FileHandler`` (``WatchedFileHandler`` with ``watch(True)``)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._path = path
        self._file: dict[str, Any] = {}
        self._watch = False

    def truncate(self, truncate: bool = True) -> FileHandlerBuilder:
        self._file["mode"] = "w" if truncate else "a"
        return self

    def encoding(self, encoding: str, errors: str | None = None) -> FileHandlerBuilder:
        self._file["encoding"] = encoding
        self._file["errors"] = errors
        return self

    def delay(self, delay: bool = True) -> FileHandlerBuilder:
        self._file["delay"] = delay
        return self

    def watch(self, watch: bool = True) -> FileHandlerBuilder:
        """Reopen the file when it is moved or removed (logrotate)."""
        self._watch = watch
        return self

    def build(self) -> FileHandler:
        formatter = self._formatter()
        if self._watch:
            from .handlers import WatchedFileHandler

            watched = WatchedFileHandler(self._path, **self._file, **self._queue)
            return self._finish(watched, formatter)  # type: ignore[return-value]
        return self._finish(FileHandler(self._path, **self._file, **self._queue), formatter)  # type: ignore[return-value]


class RotatingFileHandlerBuilder(FileHandlerBuilder):
    """``RotatingFileHandler``: rotation by size."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        self._max_bytes = 0
        self._backup_count = 0

    def max_bytes(self, max_bytes: int) -> RotatingFileHandlerBuilder:
        """Roll over before a record would take the file past this (0: never)."""
        self._max_bytes = max_bytes
        return self

    def backup_count(self, backup_count: int) -> RotatingFileHandlerBuilder:
        self._backup_count = backup_count
        return self

    def build(self) -> FileHandler:
        from .handlers import RotatingFileHandler

        formatter = self._formatter()
        handler = RotatingFileHandler(
            self._path,
            maxBytes=self._max_bytes,
            backupCount=self._backup_count,
            **self._file,
            **self._queue,
        )
        return self._finish(handler, formatter)  # type: ignore[return-value]


class TimedRotatingFileHandlerBuilder(FileHandlerBuilder):
    """``TimedRotatingFileHandler``: rotation on a schedule."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        self._schedule: dict[str, Any] = {}

    def when(self, when: str, interval: int = 1) -> TimedRotatingFileHandlerBuilder:
        """``S``, ``M``, ``H``, ``D``, ``MIDNIGHT`` or ``W0``-``W6``, times ``interval``."""
        self._schedule["when"] = when
        self._schedule["interval"] = interval
        return self

    def utc(self, utc: bool = True) -> TimedRotatingFileHandlerBuilder:
        self._schedule["utc"] = utc
        return self

    def at_time(self, at_time: Any) -> TimedRotatingFileHandlerBuilder:
        """A ``datetime.time`` for ``MIDNIGHT`` and weekly rollovers."""
        self._schedule["atTime"] = at_time
        return self

    def backup_count(self, backup_count: int) -> TimedRotatingFileHandlerBuilder:
        self._schedule["backupCount"] = backup_count
        return self

    def build(self) -> FileHandler:
        from .handlers import TimedRotatingFileHandler

        formatter = self._formatter()
        file_options = {k: v for k, v in self._file.items() if k != "mode"}
        handler = TimedRotatingFileHandler(self._path, **self._schedule, **file_options, **self._queue)
        return self._finish(handler, formatter)  # type: ignore[return-value]


class SocketHandlerBuilder(_HandlerBuilder):
    """``FemtoSocketHandler`` (docs/socket.md): ``SocketHandlerBuilder.tcp(host,
    port)`` or ``SocketHandlerBuilder.unix(path)``, then the options, in
    seconds and bytes as the handler takes them."""

    def __init__(self) -> None:
        super().__init__()
        self._socket: dict[str, Any] = {}

    @classmethod
    def tcp(cls, host: str, port: int) -> SocketHandlerBuilder:
        return cls()._set(host=host, port=port)

    @classmethod
    def unix(cls, path: str | os.PathLike[str]) -> SocketHandlerBuilder:
        return cls()._set(path=path)

    def _set(self, **options: Any) -> SocketHandlerBuilder:
        self._socket.update(options)
        return self

    def tls(
        self,
        ca_file: str | os.PathLike[str] | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        server_name: str | None = None,
        insecure: bool = False,
    ) -> SocketHandlerBuilder:
        """TLS over TCP, checked against the system's roots or ``ca_file``."""
        return self._set(
            tls=True,
            ca_file=ca_file,
            cert_file=cert_file,
            key_file=key_file,
            server_name=server_name,
            insecure=insecure,
        )

    def timeouts(self, connect: float = 5.0, write: float = 5.0) -> SocketHandlerBuilder:
        return self._set(connect_timeout=connect, write_timeout=write)

    def max_frame(self, max_bytes: int) -> SocketHandlerBuilder:
        return self._set(max_frame_bytes=max_bytes)

    def max_buffered(self, max_bytes: int) -> SocketHandlerBuilder:
        return self._set(max_buffered_bytes=max_bytes)

    def backoff(
        self, base: float = 0.1, cap: float = 10.0, reset_after: float = 30.0, deadline: float = 120.0
    ) -> SocketHandlerBuilder:
        """The reconnection policy (the roadmap's defaults shown)."""
        return self._set(backoff_base=base, backoff_cap=cap, backoff_reset=reset_after, retry_deadline=deadline)

    def build(self) -> Handler:
        from ._socket import FemtoSocketHandler

        formatter = self._formatter()
        return self._finish(FemtoSocketHandler(**self._socket, **self._queue), formatter)


class HTTPHandlerBuilder(_HandlerBuilder):
    """``FemtoHTTPHandler`` (docs/http.md): ``HTTPHandlerBuilder(url)``, then
    the options, in seconds and bytes as the handler takes them."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._http: dict[str, Any] = {"url": url}

    def _set(self, **options: Any) -> HTTPHandlerBuilder:
        self._http.update(options)
        return self

    def method(self, method: str) -> HTTPHandlerBuilder:
        """``"POST"`` (default) or ``"GET"`` (the form payload only)."""
        return self._set(method=method)

    def payload(self, payload: str) -> HTTPHandlerBuilder:
        """``"ndjson"`` (default), ``"json_array"`` or ``"form"``."""
        return self._set(payload=payload)

    def header(self, name: str, value: str) -> HTTPHandlerBuilder:
        self._http.setdefault("headers", {})[name] = value
        return self

    def basic(self, user: str, password: str) -> HTTPHandlerBuilder:
        return self._set(credentials=(user, password))

    def bearer(self, token: str) -> HTTPHandlerBuilder:
        return self._set(bearer_token=token)

    def tls(
        self,
        ca_file: str | os.PathLike[str] | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        server_name: str | None = None,
        insecure: bool = False,
    ) -> HTTPHandlerBuilder:
        """TLS settings of an https URL (default: the system's roots)."""
        return self._set(
            ca_file=ca_file, cert_file=cert_file, key_file=key_file, server_name=server_name, insecure=insecure
        )

    def timeouts(self, connect: float = 5.0, request: float = 10.0) -> HTTPHandlerBuilder:
        return self._set(connect_timeout=connect, timeout=request)

    def batch(self, records: int = 1000, max_bytes: int = 1 << 20, max_age: float = 1.0) -> HTTPHandlerBuilder:
        """A JSON batch's limits: records, bytes, seconds after its first record."""
        return self._set(batch_max_records=records, batch_max_bytes=max_bytes, batch_max_age=max_age)

    def max_buffered(self, max_bytes: int) -> HTTPHandlerBuilder:
        return self._set(max_buffered_bytes=max_bytes)

    def backoff(
        self, base: float = 0.1, cap: float = 10.0, reset_after: float = 30.0, deadline: float = 120.0
    ) -> HTTPHandlerBuilder:
        """The retry policy (the roadmap's defaults shown)."""
        return self._set(backoff_base=base, backoff_cap=cap, backoff_reset=reset_after, retry_deadline=deadline)

    def build(self) -> Handler:
        from ._http import FemtoHTTPHandler

        formatter = self._formatter()
        return self._finish(FemtoHTTPHandler(**self._http, **self._queue), formatter)


class FormatterBuilder:
    """A formatter: a stdlib-style template, or JSON lines (``json()``)."""

    def __init__(self, fmt: str = "%(message)s") -> None:
        self._fmt = fmt
        self._style = "%"
        self._datefmt: str | None = None
        self._utc = False
        self._json = False
        self._escape_controls = False

    @classmethod
    def json(cls) -> FormatterBuilder:
        """One JSON object per record (``JsonFormatter``)."""
        builder = cls()
        builder._json = True
        return builder

    def style(self, style: str) -> FormatterBuilder:
        """``"%"``, ``"{"`` or ``"$"``: the template's syntax."""
        self._style = style
        return self

    def datefmt(self, datefmt: str) -> FormatterBuilder:
        self._datefmt = datefmt
        return self

    def utc(self, utc: bool = True) -> FormatterBuilder:
        """``asctime`` in UTC."""
        self._utc = utc
        return self

    def escape_controls(self, escape: bool = True) -> FormatterBuilder:
        """Control characters in the record's values written as escapes
        (see ``Formatter``; JSON lines always escape them)."""
        self._escape_controls = escape
        return self

    def build(self) -> Formatter:
        if self._json:
            return JsonFormatter(datefmt=self._datefmt, utc=self._utc)
        formatter = Formatter(self._fmt, self._datefmt, self._style, escape_controls=self._escape_controls)
        if self._utc:
            formatter.converter = time.gmtime  # type: ignore[assignment]
        return formatter


class FilterBuilder:
    """A filter: by logger name (stdlib ``Filter(name)``) or by level range."""

    def __init__(self, name: str = "", min_level: int | str | None = None, max_level: int | str | None = None) -> None:
        self._name = name
        self._levels = (min_level, max_level)

    @classmethod
    def name(cls, name: str) -> FilterBuilder:
        """Records of the logger ``name`` and its children."""
        return cls(name)

    @classmethod
    def levels(cls, min_level: int | str = NOTSET, max_level: int | str | None = None) -> FilterBuilder:
        """Records whose level lies in ``min_level..=max_level``."""
        return cls(min_level=min_level, max_level=max_level)

    def build(self) -> Any:
        min_level, max_level = self._levels
        if min_level is None and max_level is None:
            return _stdlib.Filter(self._name)
        return LevelFilter(NOTSET if min_level is None else min_level, max_level)


class LoggerBuilder:
    """A logger's whole configuration: a logger named in a configuration gets
    exactly this (unset: level NOTSET, or WARNING for the root; ``propagate``
    true; no handlers or filters)."""

    def __init__(self) -> None:
        self._level: int | None = None
        self._propagate = True
        self._handlers: list[str] = []
        self._filters: list[str] = []

    def level(self, level: int | str) -> LoggerBuilder:
        self._level = check_level(level)
        return self

    def propagate(self, propagate: bool) -> LoggerBuilder:
        self._propagate = propagate
        return self

    def handlers(self, ids: list[str]) -> LoggerBuilder:
        """Handlers by their id in the configuration."""
        self._handlers.extend(ids)
        return self

    def filters(self, ids: list[str]) -> LoggerBuilder:
        """Filters by their id in the configuration."""
        self._filters.extend(ids)
        return self


class ConfigBuilder:
    """A whole configuration: formatters, filters and handlers by id, and the
    loggers that use them. Adding an id again replaces the earlier entry."""

    def __init__(self) -> None:
        self._formatters: dict[str, FormatterBuilder] = {}
        self._filters: dict[str, FilterBuilder] = {}
        self._handlers: dict[str, tuple[_HandlerBuilder, str | None, list[str]]] = {}
        self._loggers: dict[str, LoggerBuilder] = {}
        self._disable_existing = False

    def formatter(self, id: str, formatter: FormatterBuilder) -> ConfigBuilder:  # noqa: A002 (the config's term)
        self._formatters[id] = formatter
        return self

    def filter(self, id: str, filter: FilterBuilder) -> ConfigBuilder:  # noqa: A002
        self._filters[id] = filter
        return self

    def handler(
        self,
        id: str,  # noqa: A002
        handler: _HandlerBuilder,
        formatter: str | None = None,
        filters: list[str] | None = None,
    ) -> ConfigBuilder:
        """A handler, with the formatter and filters it uses by id."""
        self._handlers[id] = (handler, formatter, list(filters or []))
        return self

    def root(self, logger: LoggerBuilder) -> ConfigBuilder:
        self._loggers["root"] = logger
        return self

    def logger(self, name: str, logger: LoggerBuilder) -> ConfigBuilder:
        """Configures the logger ``name`` (``""`` or ``"root"``: the root)."""
        self._loggers[name or "root"] = logger
        return self

    def disable_existing_loggers(self, disable: bool = True) -> ConfigBuilder:
        """Disable the existing loggers the configuration does not name (nor
        their children), as stdlib's ``dictConfig`` does by default."""
        self._disable_existing = disable
        return self

    def validate(self) -> None:
        """Checks every reference; raises ``FemtoValueError`` naming the key."""

        def refuse(path: str, problem: str) -> None:
            raise FemtoValueError(_INVALID, f"{path}: {problem}")

        for id, (handler, formatter, filters) in self._handlers.items():  # noqa: A001
            if formatter is not None:
                if formatter not in self._formatters:
                    refuse(f"handlers.{id}.formatter", f"no formatter named {formatter!r}")
                if handler._format is not None:
                    refuse(f"handlers.{id}.formatter", "given together with format")
            for i, filter_id in enumerate(filters):
                if filter_id not in self._filters:
                    refuse(f"handlers.{id}.filters[{i}]", f"no filter named {filter_id!r}")
        for name, logger in self._loggers.items():
            path = "root" if name == "root" else f"loggers.{name}"
            for i, handler_id in enumerate(logger._handlers):
                if handler_id not in self._handlers:
                    refuse(f"{path}.handlers[{i}]", f"no handler named {handler_id!r}")
            for i, filter_id in enumerate(logger._filters):
                if filter_id not in self._filters:
                    refuse(f"{path}.filters[{i}]", f"no filter named {filter_id!r}")

    def build_and_init(self) -> None:
        """Builds everything, then applies it as one change (see the module's
        docs); on any error the previous configuration stays."""
        from .config import _ModelConfigurator

        self.validate()
        config: dict[str, Any] = {
            "version": 1,
            "disable_existing_loggers": self._disable_existing,
            "formatters": {id: {"()": f.build} for id, f in self._formatters.items()},  # noqa: A001
            "filters": {id: {"()": f.build} for id, f in self._filters.items()},  # noqa: A001
            "handlers": {
                id: {"()": h.build, "filters": filters, **({"formatter": fmt} if fmt else {})}
                for id, (h, fmt, filters) in self._handlers.items()  # noqa: A001
            },
            "loggers": {},
        }
        for name, logger in self._loggers.items():
            default = "WARNING" if name == "root" else NOTSET
            entry = {
                "level": default if logger._level is None else logger._level,
                "propagate": logger._propagate,
                "handlers": logger._handlers,
                "filters": logger._filters,
            }
            if name == "root":
                config["root"] = entry
            else:
                config["loggers"][name] = entry
        _ModelConfigurator(config).configure()
