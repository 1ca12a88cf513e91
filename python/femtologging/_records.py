"""``LogRecord`` and ``makeLogRecord``.

Under the native backend ``LogRecord`` is the extension's record: stdlib's
attributes and methods, kept in a Rust struct (made about six times faster
than stdlib's Python ``__init__``), and it is what femtologging's Python
handlers, formatters and filters receive. ``record.__dict__`` holds every
attribute, as stdlib code expects; write attributes with ``setattr``. Under
the cffi backend it is stdlib's ``logging.LogRecord``.
"""

from __future__ import annotations

import logging as _stdlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._backend import BACKEND, engine
from ._levels import _level_to_name

if TYPE_CHECKING:
    # Typed as stdlib's (typeshed's) record, which both backends' records are.
    from logging import LogRecord as LogRecord
elif BACKEND == "native":
    LogRecord = engine.LogRecord
else:

    class LogRecord(_stdlib.LogRecord):
        """stdlib's ``LogRecord``, as the package's own class."""


#: What loggers make their records with (stdlib's ``_logRecordFactory``).
_factory: Callable[..., _stdlib.LogRecord] = LogRecord


def getLogRecordFactory() -> Callable[..., _stdlib.LogRecord]:  # noqa: N802 (stdlib name)
    """The callable loggers make records with."""
    return _factory


def setLogRecordFactory(factory: Callable[..., _stdlib.LogRecord]) -> None:  # noqa: N802 (stdlib name)
    """Makes loggers create their records with ``factory`` (called as
    ``LogRecord`` is); what it adds to a record reaches every handler and
    formatter, the engine's as key-values."""
    global _factory
    _factory = factory
    from ._logger import record_factory_changed

    record_factory_changed()


def custom_factory() -> bool:
    """Whether records must be made by a factory the program set."""
    return _factory is not LogRecord


def makeLogRecord(dict: dict[str, Any]) -> _stdlib.LogRecord:  # noqa: N802, A002 (stdlib names)
    """A record whose attributes are ``dict``'s items (as stdlib's, e.g.
    for records received from a ``SocketHandler``)."""
    record = LogRecord(None, None, "", 0, "", (), None, None)  # type: ignore[arg-type]
    for key, value in dict.items():
        setattr(record, key, value)
    return record


def _start_seconds() -> float:
    """``logging._startTime`` in seconds (Python 3.13 keeps nanoseconds)."""
    start = _stdlib._startTime  # type: ignore[attr-defined]
    return start / 1e9 if isinstance(start, int) else float(start)


#: Attributes a newer Python's ``LogRecord.__init__`` sets beyond the ones
#: ``record_from_fields`` fills (3.12's ``taskName``), with their unset values.
_NEWER_ATTRIBUTES = {
    key: value
    for key, value in _stdlib.LogRecord("", 0, "", 0, "", None, None).__dict__.items()
    if key
    not in "name msg args levelname levelno pathname filename module exc_info exc_text stack_info lineno funcName "
    "created msecs relativeCreated thread threadName processName process".split()
}

if BACKEND == "native":
    engine.record_setup(_level_to_name, _start_seconds(), makeLogRecord, "taskName" in _NEWER_ATTRIBUTES)
    os.register_at_fork(after_in_child=engine.record_after_fork)

_file_parts_cache: dict[str, tuple[str, str]] = {}


def _file_parts(pathname: str) -> tuple[str, str]:
    """``(filename, module)`` of a path, as ``LogRecord`` computes them."""
    parts = _file_parts_cache.get(pathname)
    if parts is None:
        filename = os.path.basename(pathname)
        parts = (filename, os.path.splitext(filename)[0])
        if len(_file_parts_cache) > 4096:
            _file_parts_cache.clear()
        _file_parts_cache[pathname] = parts
    return parts


def _process_name() -> str | None:
    """``LogRecord.processName`` as stdlib computes it."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None:
        return "MainProcess"
    try:
        return str(multiprocessing.current_process().name)
    except Exception:
        return None


_new_record = _stdlib.LogRecord.__new__
_START_SECONDS = _start_seconds()


def record_from_fields(fields: tuple[Any, ...]) -> _stdlib.LogRecord:
    """The cffi backend's record for the engine's copy of one (the native
    backend builds its own in Rust): stdlib's ``LogRecord``, filled directly
    rather than through ``__init__``, which would recompute what the engine
    knows (the package's ``LogRecord``, stdlib's under another name).
    ``extra`` values arrive as strings."""
    name, levelno, message, created_ns, thread, thread_name, process, pathname, lineno, func_name, exc, stack, extra = (
        fields
    )
    created = created_ns / 1e9
    filename, module = _file_parts(pathname)
    attributes = {
        "name": name,
        "msg": message,
        "args": None,
        "levelname": _level_to_name.get(levelno) or f"Level {levelno}",
        "levelno": levelno,
        "pathname": pathname,
        "filename": filename,
        "module": module,
        "exc_info": None,
        "exc_text": exc,
        "stack_info": stack,
        "lineno": lineno,
        "funcName": func_name,
        "created": created,
        "msecs": (created_ns % 1_000_000_000) // 1_000_000 + 0.0,
        "relativeCreated": (created - _START_SECONDS) * 1000,
        "thread": thread,
        "threadName": thread_name,
        "processName": _process_name(),
        "process": process,
    }
    if _NEWER_ATTRIBUTES:
        attributes.update(_NEWER_ATTRIBUTES)
    if extra:
        attributes.update(extra)
    record = _new_record(LogRecord)
    record.__dict__ = attributes
    return record
