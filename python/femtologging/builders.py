"""Handler builders: the roadmap's programmatic configuration, with the same
names and options as the Rust builders (``femto_core::builder``).

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
"""

from __future__ import annotations

import os
import sys
from typing import Any, TypeVar

from ._formatter import Formatter
from ._handlers import FileHandler, Handler, StreamHandler
from ._levels import NOTSET, check_level

__all__ = [
    "FileHandlerBuilder",
    "RotatingFileHandlerBuilder",
    "StreamHandlerBuilder",
    "TimedRotatingFileHandlerBuilder",
]

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
