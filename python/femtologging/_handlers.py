"""Handlers backed by engine handlers: each has its own queue and worker
thread. Streams without a file descriptor the engine can own (StringIO, a
replaced ``sys.stderr``) are written by the worker through a Python sink."""

from __future__ import annotations

import logging as _stdlib
import os
import sys
import threading
from typing import TextIO

from ._backend import engine
from ._formatter import Formatter
from ._levels import NOTSET, check_level

#: How long flush() and close() wait for a handler's queue to drain.
DRAIN_TIMEOUT_MS = 60_000

_OVERFLOW = {"block": 0, "drop": 1, "timeout": 2}


class Handler(_stdlib.Filterer):
    """Base class of femtologging's handlers.

    Subclass it and override ``emit(record)`` as with stdlib: your ``emit``
    runs on the handler's own worker thread (holding the GIL), receiving a
    stdlib ``LogRecord`` whose ``msg`` is the formatted message and whose
    ``args`` are empty. Filters added with ``addFilter`` run there too.

    ``capacity`` is the queue length; ``overflow`` is ``"block"`` (default:
    nothing is lost), ``"drop"`` or ``"timeout"`` (waits ``timeout_ms``).
    """

    def __init__(self, level: int | str = NOTSET) -> None:
        super().__init__()
        self._level = check_level(level)
        self.formatter: Formatter | None = None
        self.name: str | None = None
        self._handle: object = None
        self.lock = threading.RLock()
        if type(self).emit is not Handler.emit:
            # A Python handler: the worker hands it batches of records.
            self._handle = engine.callback_handler_new(self._emit_batch, None, self._level)

    # ---- stdlib's Python-handler protocol --------------------------------

    def emit(self, record: _stdlib.LogRecord) -> None:
        """Writes one record; subclasses must override it (as in stdlib)."""
        raise NotImplementedError("emit must be implemented by Handler subclasses")

    def format(self, record: _stdlib.LogRecord) -> str:
        return (self.formatter or _DEFAULT_FORMATTER).format(record)

    def handle(self, record: _stdlib.LogRecord) -> bool:
        """Filters, then emits under the handler's lock (stdlib semantics)."""
        passed = bool(self.filter(record))
        if passed:
            with self.lock:
                self.emit(record)
        return passed

    def handleError(self, record: _stdlib.LogRecord) -> None:  # noqa: N802 (stdlib name)
        """Prints "--- Logging error ---" and the traceback, as stdlib does."""
        _stdlib.Handler.handleError(self, record)  # type: ignore[arg-type]

    def acquire(self) -> None:
        self.lock.acquire()

    def release(self) -> None:
        self.lock.release()

    def _emit_batch(self, batch: list[tuple[object, ...]] | None) -> None:
        if batch is None:
            return
        for fields in batch:
            record = _record_from_fields(fields)
            try:
                self.handle(record)
            except Exception:
                self.handleError(record)

    def _open(self, make: object, capacity: int, overflow: str, timeout_ms: int) -> None:
        if overflow not in _OVERFLOW:
            raise ValueError(f"overflow must be one of {sorted(_OVERFLOW)}, not {overflow!r}")
        if capacity < 0:
            raise ValueError("capacity must not be negative")
        self._handle = make(self._level, 0, capacity, _OVERFLOW[overflow], timeout_ms)  # type: ignore[operator]

    @property
    def level(self) -> int:
        return self._level

    def setLevel(self, level: int | str) -> None:  # noqa: N802 (stdlib name)
        self._level = check_level(level)
        if self._handle:
            engine.handler_set_level(self._handle, self._level)

    def setFormatter(self, fmt: Formatter | None) -> None:  # noqa: N802
        self.formatter = fmt
        if self._handle:
            engine.handler_set_formatter(self._handle, (fmt or Formatter())._handle)

    def flush(self) -> None:
        """Waits until every record handed to this handler is written."""
        if self._handle:
            engine.handler_flush(self._handle, DRAIN_TIMEOUT_MS)

    def close(self) -> None:
        """Drains the queue and stops the worker; later records are dropped (and counted)."""
        if self._handle:
            engine.handler_close(self._handle, DRAIN_TIMEOUT_MS)

    def get_dropped(self) -> int:
        """Records lost to a full queue (``drop``/``timeout``) or to a closed handler."""
        return engine.handler_stats(self._handle)[1] if self._handle else 0

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            engine.handler_free(handle)
            self._handle = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({_level_name(self._level)})>"


def _record_from_fields(fields: tuple[object, ...]) -> _stdlib.LogRecord:
    """A stdlib ``LogRecord`` from the engine's copy of a record."""
    name, levelno, message, created_ns, thread, thread_name, process, pathname, lineno, func_name, exc, stack = fields
    record = _stdlib.LogRecord(
        str(name), int(levelno), str(pathname), int(lineno), message, None, None, str(func_name), stack
    )
    created = int(created_ns) / 1e9
    record.created = created
    record.msecs = (int(created_ns) % 1_000_000_000) // 1_000_000 + 0.0
    record.relativeCreated = (created - _stdlib._startTime) * 1000
    record.thread = int(thread)
    record.threadName = str(thread_name)
    record.process = int(process)
    record.exc_text = exc  # type: ignore[assignment]
    return record


_DEFAULT_FORMATTER = _stdlib.Formatter()


def _level_name(level: int) -> str:
    from ._levels import getLevelName

    return str(getLevelName(level))


class NullHandler(Handler):
    """Discards every record (no queue, no thread). Libraries attach one so
    that their records do not reach the last-resort stderr handler."""

    def __init__(self) -> None:
        super().__init__()
        self._handle = engine.null_handler_new()


class StreamHandler(Handler):
    """Writes to a stream (default ``sys.stderr`` as bound at construction)."""

    terminator = "\n"

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        super().__init__()
        self.stream: TextIO | None = sys.stderr if stream is None else stream
        if self._handle:
            return  # a subclass with its own emit(): records go there
        if self.stream is sys.__stderr__ and _fileno(self.stream) == 2:
            # The process's own stderr: the worker writes to the descriptor.
            def make(*args: int) -> object:
                return engine.stream_handler_new(2, *args)
        else:
            make = self._python_sink
        self._open(make, capacity, overflow, timeout_ms)

    def _python_sink(self, *args: int) -> object:
        stream = self.stream
        assert stream is not None  # set by __init__ before the handler opens
        terminator = self.terminator

        def sink(chunk: str | None) -> None:
            # The worker hands over a whole batch of lines, then None.
            if chunk is None:
                flush = getattr(stream, "flush", None)
                if flush is not None:
                    flush()
            else:
                stream.write(chunk)

        return engine.callback_handler_new(sink, terminator, *args)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        name = getattr(self.stream, "name", "")
        return f"<{type(self).__name__} {name} ({_level_name(self.level)})>".replace("  ", " ")


def _fileno(stream: object) -> int:
    try:
        return stream.fileno()  # type: ignore[attr-defined,no-any-return]
    except (AttributeError, OSError, ValueError):
        return -1


class FileHandler(StreamHandler):
    """Appends to (mode ``"a"``) or rewrites (mode ``"w"``) a file, as UTF-8.

    The worker thread owns the file; records from Python, C extensions and
    forked children can share it (every write appends).
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        mode: str = "a",
        encoding: str | None = None,
        delay: bool = False,  # noqa: ARG002 (the file is opened at once)
        errors: str | None = None,
        *,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        Handler.__init__(self)
        if mode not in ("a", "w"):
            raise ValueError(f"FileHandler mode must be 'a' or 'w', not {mode!r}")
        if encoding not in (None, "utf-8", "utf8", "UTF-8") or errors not in (None, "strict"):
            raise ValueError("FileHandler writes UTF-8; other encodings are not supported yet")
        self.baseFilename = os.path.abspath(os.fspath(filename))
        self.mode = mode
        self.encoding = encoding
        self.stream = None

        def make(*args: int) -> object:
            return engine.file_handler_new(self.baseFilename, mode == "w", *args)

        self._open(make, capacity, overflow, timeout_ms)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.baseFilename} ({_level_name(self.level)})>"
