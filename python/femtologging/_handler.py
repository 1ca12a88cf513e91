"""Handlers backed by engine handlers: each has its own queue and worker
thread. Where the output goes decides where a handler runs: files on the
worker; Python objects (a stream, an ``emit``) on the thread that logs,
and through the worker only for records of C and Rust callers."""

from __future__ import annotations

import codecs
import io
import json
import logging as _stdlib
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from typing import Any, TextIO

from . import bridge
from ._backend import BACKEND, engine
from ._formatter import Formatter, JsonFormatter, needs_python, record_fields
from ._levels import NOTSET, check_level
from ._records import LogRecord
from ._tracebacks import exception_text

#: How long flush() and close() wait for a handler's queue to drain.
DRAIN_TIMEOUT_MS = 60_000

_OVERFLOW = {"block": 0, "drop": 1, "timeout": 2}

#: The attributes every LogRecord has; the others are ``extra`` or set by filters.
RECORD_ATTRIBUTES = frozenset(_stdlib.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

#: Set while ``Handler.handle``/``emit`` hands a record to the engine: the
#: handler's filters ran in Python already (or, for ``emit``, must not run).
_prefiltered = threading.local()

#: Every handler made, oldest first: ``shutdown`` flushes them all, then
#: closes them newest first, as stdlib does (see ``close_all``).
_created: list[weakref.ref[Handler]] = []


def close_all(keep_native: bool = False) -> None:
    """Flushes every handler, then closes them, newest first (``shutdown``).
    Flushing twice first lets records that one handler forwards to another
    (a ``MemoryHandler``, whose worker forwards in the background) reach
    their target before any handler closes.

    With ``keep_native`` (interpreter exit), handlers whose worker runs no
    Python stay open: an ``atexit`` function that runs after this one may
    still log to them, and the library's own exit hook drains them after
    the interpreter has finished. Handlers that need Python close now."""
    live = [handler for handler in (ref() for ref in reversed(_created[:])) if handler is not None]
    for step in ("flush", "flush", "close"):
        for handler in live:
            if step == "close" and keep_native and not handler._worker_runs_python:
                continue
            try:
                getattr(handler, step)()
            except (OSError, ValueError):
                pass  # as stdlib: shutdown goes on
    _created[:] = [ref for ref in _created if ref() is not None]


#: How long a fork waits for each handler that a thread is emitting to.
FORK_LOCK_TIMEOUT_S = 2.0


def hold_for_fork() -> list[Handler]:
    """Before ``fork``: takes the lock of every handler that writes a Python
    object on the logging thread, so that no thread is inside one's
    ``emit`` (holding its stream's lock, its stream's buffer half full) when
    the child is copied. Waits at most ``FORK_LOCK_TIMEOUT_S`` for each."""
    held = []
    for handler in (ref() for ref in _created[:]):
        if handler is not None and handler._caller_side and handler.lock.acquire(timeout=FORK_LOCK_TIMEOUT_S):
            held.append(handler)
    return held


#: Every handler's lock, made afresh in a forked child (stdlib's name): a
#: lock another thread of the parent held at the fork would never be free.
_at_fork_reinit_lock_weakset: weakref.WeakSet[Handler] = weakref.WeakSet()


def release_after_fork(held: list[Handler], in_child: bool) -> None:
    """After ``fork``: the parent releases what ``hold_for_fork`` took; the
    child starts every handler with a fresh lock (as stdlib does)."""
    if not in_child:
        for handler in held:
            handler.lock.release()
        return
    for handler in list(_at_fork_reinit_lock_weakset):
        handler.lock._at_fork_reinit()  # type: ignore[attr-defined]


#: A handler's attributes the native backend's loggers read once per change
#: (``femtologging._femtologging.caller_side_changed``), and of those, the
#: ones ``_native_writes`` is made from.
_DISPATCH_INPUTS = frozenset(
    {"formatter", "stream", "terminator", "lock", "filters", "_level", "_native_writes", "queue", "_native_puts"}
)
_WRITE_PLAN_INPUTS = frozenset({"formatter", "stream", "terminator", "lock", "queue"})
#: Record attributes that say where the call was made.
LOCATION_FIELDS = frozenset({"pathname", "filename", "module", "lineno", "funcName"})
#: Record attributes that carry the time of the call.
TIME_FIELDS = frozenset({"created", "msecs", "relativeCreated", "asctime"})
#: Tells the native backend's loggers that a handler or a logger's
#: caller-side handlers changed (nothing to tell under cffi).
dispatch_changed: Callable[[], None] = getattr(engine, "caller_side_changed", lambda: None)


def _packaged(cls: type, name: str) -> bool:
    """Whether ``cls`` has ``name`` from one of femtologging's classes."""
    package = __package__ or "femtologging"
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass.__module__ == package or klass.__module__.startswith(package + ".")
    return True


#: stdlib's ``logging._handlers``: the named handlers, by name.
_named: weakref.WeakValueDictionary[str, Handler] = weakref.WeakValueDictionary()
_names_lock = threading.Lock()


#: ``_worker.handler`` is the Python handler whose ``emit`` this thread runs.
_worker = threading.local()

#: A new ``Handler.lock``: an ``RLock``, which under the native backend the
#: loggers take and give back without calling Python.
_new_lock: Callable[[], Any] = getattr(engine, "HandlerLock", threading.RLock)


def _native(emit: Callable[..., None]) -> Callable[..., None]:
    """Marks an ``emit`` that the engine implements: a class whose ``emit``
    is not marked is a Python handler, fed by its worker thread."""
    emit._femto_native = True  # type: ignore[attr-defined]
    return emit


class Handler(_stdlib.Filterer):
    #: Whether the handler's worker calls into Python (a Python ``emit``, a
    #: Python stream, a Python formatter or clock): such a handler must
    #: close before the interpreter finishes.
    _worker_runs_python = False

    """Base class of femtologging's handlers.

    Subclass it and override ``emit(record)`` as with stdlib: your ``emit``
    runs on the thread that logs, in call order, under the handler's lock,
    receiving the ``LogRecord`` with ``msg`` and ``args`` as the caller gave
    them; what it raises reaches the caller, as in stdlib. Records logged by
    C or Rust code reach it on the handler's worker thread.

    ``capacity`` is the queue length; ``overflow`` is ``"block"`` (default:
    nothing is lost), ``"drop"`` or ``"timeout"`` (waits ``timeout_ms``).
    """

    #: A handler whose output is a Python object (its own ``emit``, a Python
    #: stream): records from Python callers are handed to it on the logging
    #: thread, as stdlib does, rather than on its worker (which still brings
    #: it the records of C and Rust callers).
    _caller_side: bool = False

    #: What the native backend's logger needs to write this handler's
    #: records itself, as ``emit`` would (``StreamHandler``: the formatter's
    #: engine handle, the terminator, ``stream.write``, ``stream.flush`` or
    #: None, the lock's ``acquire`` and ``release``, whether the format
    #: prints the caller's location); None: it calls ``handle``. Made again
    #: whenever one of its inputs is assigned (``__setattr__``).
    _native_writes: tuple[Any, ...] | None = None
    _native_puts: tuple[Any, ...] | None = None
    _handle: object = None

    def __init__(self, level: int | str = NOTSET) -> None:
        super().__init__()
        self._level = check_level(level)
        self.formatter: _stdlib.Formatter | None = None
        self._name: str | None = None
        self._handle: object = None
        self._engine_filters: list[tuple[object, object]] = []
        self.createLock()
        if len(_created) >= 1024 and len(_created) % 1024 == 0:
            _created[:] = [ref for ref in _created if ref() is not None]
        _created.append(weakref.ref(self))
        if self._is_python_handler():
            # A Python handler: Python callers hand it their records; the
            # worker hands it batches of the others.
            self._worker_runs_python = True
            self._caller_side = True
            self._handle = engine.callback_handler_new(self._emit_batch, None, self._level, caller_side=True)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _DISPATCH_INPUTS:
            if name in _WRITE_PLAN_INPUTS and self._handle:
                self._plan_native_writes()
            dispatch_changed()

    def _is_python_handler(self) -> bool:
        """Whether the handler's output is up to Python code: its own
        ``emit``, or its own ``handle`` (stdlib's loggers call ``handle``)."""
        cls = type(self)
        return not getattr(cls.emit, "_femto_native", False) or not _packaged(cls, "handle")

    # ---- stdlib's Python-handler protocol --------------------------------

    @_native
    def emit(self, record: _stdlib.LogRecord) -> None:
        """Writes one record; subclasses must override it (as in stdlib)."""
        raise NotImplementedError("emit must be implemented by Handler subclasses")

    def format(self, record: _stdlib.LogRecord) -> str:
        return (self.formatter or _DEFAULT_FORMATTER).format(record)

    def handle(self, record: _stdlib.LogRecord) -> bool:
        """Filters, then emits under the handler's lock (stdlib semantics;
        femtologging's own handlers need no lock: their queue is one)."""
        if self.filters and not self.filter(record):
            return False
        if self._caller_side or self._is_python_handler():
            with self.lock:
                bridge.carrying(record, self.emit)
        else:
            self.emit(record)
        return True

    def handleError(self, record: _stdlib.LogRecord) -> None:  # noqa: N802 (stdlib name)
        """Prints "--- Logging error ---" and the traceback, as stdlib does,
        unless ``femtologging.raiseExceptions`` is false."""
        package = sys.modules.get(__package__ or "femtologging")
        if getattr(package, "raiseExceptions", True):
            _stdlib.Handler.handleError(self, record)  # type: ignore[arg-type]

    def _report_emit_error(self, record: _stdlib.LogRecord, error: BaseException) -> None:
        """A stream or queue that failed under the native writes or puts:
        ``handleError``, as stdlib's ``emit`` would (``sys.exc_info()`` is
        the error)."""
        try:
            raise error
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    # ---- filters -----------------------------------------------------------

    def addFilter(self, filter: Any) -> None:  # noqa: N802, A002 (stdlib names)
        """Adds a ``Filter`` or callable. On femtologging's own handlers it
        runs on the logging thread with a copy of the record."""
        if filter in self.filters:
            return
        super().addFilter(filter)
        if self._handle and not self._is_python_handler():
            handle = engine.filter_new_callback(_python_filter(filter))
            engine.handler_add_filter(self._handle, handle)
            self._engine_filters.append((filter, handle))

    def removeFilter(self, filter: Any) -> None:  # noqa: N802, A002
        super().removeFilter(filter)
        for pair in self._engine_filters:
            if pair[0] is filter:
                self._engine_filters.remove(pair)
                engine.handler_remove_filter(self._handle, pair[1])
                break

    def createLock(self) -> None:  # noqa: N802 (stdlib name)
        """A new lock for ``handle`` and ``emit`` (stdlib's), made afresh in
        a forked child."""
        self.lock = _new_lock()
        _at_fork_reinit_lock_weakset.add(self)

    def _plan_native_writes(self) -> None:
        """Sets ``_native_writes`` (``StreamHandler``) or ``_native_puts``
        (``QueueHandler``): what the native backend's loggers do in place of
        ``handle`` for a record without filters."""

    def get_name(self) -> str | None:
        return self._name

    def set_name(self, name: str | None) -> None:
        """Names the handler; ``femtologging._handlers`` (stdlib's registry
        of named handlers) finds it by that name."""
        with _names_lock:
            if self._name in _named and _named[self._name] is self:
                del _named[self._name]
            self._name = name
            if name:
                _named[name] = self

    name = property(get_name, set_name)

    def acquire(self) -> None:
        self.lock.acquire()

    def release(self) -> None:
        self.lock.release()

    def _emit_batch(self, batch: list[_stdlib.LogRecord] | None) -> None:
        if batch is None:
            return
        _worker.handler = self
        try:
            for record in batch:
                try:
                    self.handle(record)
                except Exception:
                    self.handleError(record)
        finally:
            _worker.handler = None

    def _open(self, make: object, capacity: int, overflow: str, timeout_ms: int) -> None:
        if overflow not in _OVERFLOW:
            raise ValueError(f"overflow must be one of {sorted(_OVERFLOW)}, not {overflow!r}")
        if capacity < 0:
            raise ValueError("capacity must not be negative")
        self._handle = make(self._level, None, capacity, _OVERFLOW[overflow], timeout_ms)  # type: ignore[operator]

    @property
    def level(self) -> int:
        return self._level

    def setLevel(self, level: int | str) -> None:  # noqa: N802 (stdlib name)
        self._level = check_level(level)
        if self._handle:
            engine.handler_set_level(self._handle, self._level)

    def setFormatter(self, fmt: _stdlib.Formatter | None) -> None:  # noqa: N802
        """Sets the formatter. femtologging's ``Formatter`` runs compiled on
        the worker thread; a subclass with its own ``format()`` (or
        ``formatTime``, ``converter`` ...), a stdlib formatter, or a
        handler overriding ``format`` is called in Python there instead."""
        self.formatter = fmt
        if not self._handle or self._is_python_handler():
            return  # Python handlers format in their own emit()
        if type(self).format is Handler.format and not needs_python(fmt):
            engine.handler_set_formatter(self._handle, (fmt or _ENGINE_DEFAULT)._handle)  # type: ignore[union-attr]
            return
        self._worker_runs_python = True
        engine.handler_set_formatter(self._handle, engine.formatter_new_callback(_python_format(self)))

    def flush(self) -> None:
        """Waits until every record handed to this handler is written (from
        the handler's own ``emit``, there is nothing to wait for: this
        thread holds the lock the worker would need)."""
        if self._handle and not self._in_own_emit():
            engine.handler_flush(self._handle, DRAIN_TIMEOUT_MS)

    def _in_own_emit(self) -> bool:
        """Whether this thread is running this handler's ``emit``: its
        worker, or a caller-side delivery (which holds the handler's lock)."""
        if getattr(_worker, "handler", None) is self:
            return True
        return self._caller_side and self.lock._is_owned()  # type: ignore[attr-defined]

    def close(self) -> None:
        """Drains the queue and stops the worker; later records are dropped (and counted)."""
        _attached.pop(self, None)
        if self._handle:
            engine.handler_close(self._handle, DRAIN_TIMEOUT_MS)

    def get_dropped(self) -> int:
        """Records lost to a full queue (``drop``/``timeout``) or to a closed handler."""
        return engine.handler_stats(self._handle)[1] if self._handle else 0

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A copy would share the engine handler this object frees when it
        # goes: refuse copy, deepcopy and pickle alike.
        raise TypeError(
            f"{type(self).__name__} cannot be copied or pickled: it owns a native handler; make another one instead"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({_level_name(self._level)})>"


def _python_format(handler: Handler) -> Callable[[_stdlib.LogRecord], str | None]:
    """The engine's formatter callback for ``handler``: ``handler.format``
    on the worker thread. Holds the handler weakly (the engine handle must
    not keep it alive) and its formatter strongly (queued records still
    need it after the handler object is gone)."""
    handler_ref = weakref.ref(handler)
    formatter = handler.formatter or _DEFAULT_FORMATTER

    def format_record(record: _stdlib.LogRecord) -> str | None:
        live = handler_ref()
        try:
            return live.format(record) if live is not None else formatter.format(record)
        except Exception:
            if live is not None:
                live.handleError(record)
            else:
                traceback.print_exc()
            return None  # the engine skips the record (reported here)

    return format_record


def _python_filter(filter: Any) -> Callable[[_stdlib.LogRecord], bool]:  # noqa: A002 (stdlib's name)
    """The engine's filter callback for a Python filter on a native handler."""
    check = filter.filter if hasattr(filter, "filter") else filter

    def keep(record: _stdlib.LogRecord) -> bool:
        if getattr(_prefiltered, "active", False):
            return True
        try:
            return bool(check(record))
        except Exception:
            traceback.print_exc()  # stdlib would raise into the caller; the engine cannot
            return False

    return keep


_get_logger: Callable[[str], Any] | None = None


def _logger_handle(name: str) -> object:
    """The engine logger a record's name refers to."""
    global _get_logger
    if _get_logger is None:
        from ._logger import getLogger  # imported late: _logger imports this module

        _get_logger = getLogger
    return _get_logger(name)._handle


#: The native backend's ``log_native_record`` (``None`` under cffi).
_log_native_record: Callable[[_stdlib.LogRecord, object], bool] | None = (
    engine.log_native_record if BACKEND == "native" else None  # type: ignore[attr-defined]
)


#: The native backend's ``log_native_records`` (``None`` under cffi).
_log_native_records: Callable[[list[_stdlib.LogRecord], object], int] | None = (
    engine.log_native_records if BACKEND == "native" else None  # type: ignore[attr-defined]
)


def log_stdlib_record(record: _stdlib.LogRecord, handler: object = None) -> None:
    """Hands a standard-library ``LogRecord`` to the engine: to the logger
    of its name, or with ``handler`` to that handler only. Keeps its
    message, level, time, caller, thread, exception text and ``extra``."""
    if _log_native_record is not None and _log_native_record(record, handler):
        return  # a native record, read by the extension
    engine.logger_log(_logger_handle(record.name), *engine_fields(record), handler=handler)


def engine_fields(record: _stdlib.LogRecord) -> tuple[Any, ...]:
    """What the engine takes of a ``LogRecord`` (``logger_log``'s fields):
    message, level, time, caller, thread, exception text and ``extra``."""
    exc_text = record.exc_text
    if record.exc_info and not exc_text:
        exc_text = exception_text(*record.exc_info)
    if type(record) is LogRecord and _log_native_record is not None:
        extra = record._femto_extra()  # type: ignore[attr-defined]
    else:
        attributes = record.__dict__
        extra = None
        if attributes.keys() - RECORD_ATTRIBUTES:  # set arithmetic in C: the common case costs little
            extra = [(key, str(value)) for key, value in attributes.items() if key not in RECORD_ATTRIBUTES]
    levelno = record.levelno
    return (
        # ``makeLogRecord({...})`` leaves the level None (stdlib's handlers
        # write it all the same): the engine takes it as NOTSET.
        levelno if isinstance(levelno, int) else NOTSET,
        record.getMessage(),
        record.pathname,
        record.lineno or 0,
        record.funcName or "",
        record.threadName or "",
        exc_text,
        record.stack_info,
        extra,
        int(record.created * 1e9),
        record.thread or 0,
    )


def takes_native_batches(target: object) -> bool:
    """Whether ``target.handle(record)`` would only hand the record to the
    engine, so a list of them can go in one native call."""
    return (
        _log_native_records is not None
        and isinstance(target, Handler)
        and type(target).handle in (Handler.handle, StreamHandler.handle)
        and type(target).emit in (_emit_to_engine, StreamHandler.emit)
        and not target._caller_side
        and not target.filters
        and not target._engine_filters
        and bool(target._handle)
    )


def forward_records(records: list[_stdlib.LogRecord], target: Handler | _stdlib.Handler) -> None:
    """``target.handle(record)`` for each record, in order (a
    ``MemoryHandler`` flushing): in one native call for the records a
    plain femtologging handler would only hand to the engine."""
    start = 0
    if takes_native_batches(target):
        start = _log_native_records(records, target._handle)  # type: ignore[misc, union-attr]
    for record in records[start:] if start else records:
        target.handle(record)


@_native
def _emit_to_engine(self: Handler, record: _stdlib.LogRecord) -> None:
    """``emit`` of femtologging's own handlers: hands a stdlib record (from
    a ``QueueListener``, a ``MemoryHandler``, ``handle()``) to this
    handler's queue. Its level applies; its filters ran in ``handle()``."""
    engine_filters = bool(self._engine_filters)
    if engine_filters:
        _prefiltered.active = True
    try:
        if _log_native_record is None or not _log_native_record(record, self._handle):
            log_stdlib_record(record, self._handle)
    except Exception:
        self.handleError(record)
    finally:
        if engine_filters:
            _prefiltered.active = False


#: ``%(message)s``: compiled for the engine, and the native record's fast
#: ``format`` in Python (``Handler.format`` of a handler with no formatter).
_DEFAULT_FORMATTER = _ENGINE_DEFAULT = Formatter()


def _level_name(level: int) -> str:
    from ._levels import getLevelName

    return str(getLevelName(level))


class NullHandler(Handler):
    """Discards every record (no queue, no thread). Libraries attach one so
    that their records do not reach the last-resort stderr handler."""

    def __init__(self) -> None:
        super().__init__()
        if not self._handle:  # a subclass with its own emit or handle has one
            self._handle = engine.null_handler_new()

    @_native
    def emit(self, record: _stdlib.LogRecord) -> None:
        pass

    def handle(self, record: _stdlib.LogRecord) -> bool:  # noqa: ARG002 (discards it)
        return True


class NativeHandler(Handler):
    """A handler made outside Python (by C code or another binding in the
    process), as ``Logger.handlers`` shows it: records reach it on its own
    worker; Python can flush, close, set its level or detach it."""

    emit = _emit_to_engine

    def __init__(self, handle: object) -> None:
        super().__init__(engine.handler_get_level(handle))
        self._handle = handle
        self.name = engine.handler_name(handle)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} ({_level_name(self._level)})>"


#: The Python object of each engine handler Python attached to a logger, by
#: ``engine.handler_id`` (handlers made in C get a ``NativeHandler``).
_by_engine_id: weakref.WeakValueDictionary[int, Handler] = weakref.WeakValueDictionary()


#: The handlers Python attached to loggers, each with how many loggers hold
#: it: a logger's handlers are the engine's, but as in stdlib the Python
#: object lives as long as a logger holds it (and keeps its identity).
_attached: dict[Handler, int] = {}


def attached(handler: Handler, change: int) -> None:
    """Counts ``handler`` attached to one more (1) or one fewer (-1) logger."""
    count = _attached.get(handler, 0) + change
    if count > 0:
        _attached[handler] = count
    else:
        _attached.pop(handler, None)
        if isinstance(handler, ForeignHandler) and _foreign.get(id(handler.target)) is handler:
            del _foreign[id(handler.target)]


def remember(handler: Handler) -> None:
    """Lets ``Logger.handlers`` find ``handler`` in the engine's lists
    (called when Python attaches it to a logger)."""
    if handler._handle is None:
        raise TypeError(f"{handler!r} is not a femtologging handler with an engine side")
    _by_engine_id[engine.handler_id(handler._handle)] = handler


class ForeignHandler(Handler):
    """A handler that is not femtologging's (the standard library's, a
    third party's, pytest's ``caplog.handler``) attached to a femtologging
    logger: Python callers' records reach its ``handle`` on the thread
    that logs, as stdlib's ``callHandlers`` would, C and Rust callers'
    through the worker. ``Logger.handlers`` shows the handler itself."""

    def __init__(self, target: Any) -> None:
        self.target = target
        super().__init__()

    @property  # type: ignore[override]
    def _level(self) -> int:
        """The target's level, whenever it is read (stdlib compares
        ``record.levelno >= hdlr.level`` at each call)."""
        return int(getattr(self.target, "level", NOTSET))

    @_level.setter
    def _level(self, _value: int) -> None:
        pass  # the target's own

    def emit(self, record: _stdlib.LogRecord) -> None:
        self.target.handle(record)

    def handle(self, record: _stdlib.LogRecord) -> bool:
        if record.levelno < self._level:  # records of C callers come unchecked
            return False
        if bridge.handled_there(record, self.target):
            return False
        return bool(bridge.carrying(record, self.target.handle))

    def flush(self) -> None:
        super().flush()
        self.target.flush()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self.target!r}>"


#: The adapter of each foreign handler attached to a logger.
_foreign: dict[int, ForeignHandler] = {}


def foreign_handlers_in_use() -> bool:
    """Whether any foreign handler was attached (the bridge then checks
    which of them a standard-library record already reached)."""
    return bool(_foreign)


def adopt(handler: Any) -> Handler:
    """``handler`` as femtologging attaches it: itself, or the adapter of a
    foreign handler (made once per handler)."""
    if isinstance(handler, Handler):
        return handler
    if not callable(getattr(handler, "handle", None)):
        raise TypeError(f"{handler!r} is not a logging handler (it has no handle method)")
    adapter = _foreign.get(id(handler))
    if adapter is None or adapter.target is not handler:
        adapter = _foreign[id(handler)] = ForeignHandler(handler)
    return adapter


def adopted(handler: Any) -> Handler | None:
    """The handler femtologging attached for ``handler``, if any."""
    if isinstance(handler, Handler):
        return handler
    adapter = _foreign.get(id(handler))
    return adapter if adapter is not None and adapter.target is handler else None


def shown(handlers: list[Handler]) -> list[Any]:
    """``handlers`` as ``Logger.handlers`` shows them: foreign handlers as
    themselves."""
    return [h.target if isinstance(h, ForeignHandler) else h for h in handlers]


def python_handlers(handles: list[object]) -> list[Handler]:
    """The Python objects of engine handlers, in order."""
    found = []
    for handle in handles:
        key = engine.handler_id(handle)
        handler = _by_engine_id.get(key)
        if handler is None:
            handler = _by_engine_id[key] = NativeHandler(handle)
        found.append(handler)
    return found


class StreamHandler(Handler):
    """Writes to a stream (default ``sys.stderr`` as bound at construction).

    A Python stream (``sys.stderr``, ``sys.stdout``, a ``StringIO``, a
    socket's file) is written on the thread that logs, as stdlib does: the
    text is there when the call returns, in call order with ``print()``
    and other handlers. Records logged by C or Rust code reach it through
    the handler's worker thread."""

    terminator = "\n"
    #: See ``FileHandler``.
    _inner: _stdlib.Handler | None = None

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
        self._caller_side = True
        self._open(self._python_sink, capacity, overflow, timeout_ms)
        self._plan_native_writes()

    def _plan_native_writes(self) -> None:
        cls = type(self)
        fmt, stream = self.formatter, self.stream
        fields = record_fields(fmt or _ENGINE_DEFAULT)
        plain = (
            self._caller_side
            and self._inner is None  # the standard library's handler writes
            and cls.emit is StreamHandler.emit
            and cls.format is Handler.format
            and cls.flush is StreamHandler.flush
            and not needs_python(fmt)
            and hasattr(stream, "write")
            # A field no plain call's record has: stdlib's error, in Python.
            and fields <= RECORD_ATTRIBUTES
        )
        if not plain:
            self._native_writes = None
            return
        # A StringIO's flush does nothing (a closed one fails at write first).
        flush = None if type(stream) is io.StringIO else getattr(stream, "flush", None)
        engine_formatter = (fmt or _ENGINE_DEFAULT)._handle  # type: ignore[union-attr]
        write = stream.write  # type: ignore[union-attr]
        # A JSON line carries the time and the thread whatever its format.
        json = isinstance(fmt, JsonFormatter)
        self._native_writes = (
            engine_formatter,
            self.terminator,
            write,
            flush,
            self.lock,
            bool(fields & LOCATION_FIELDS),
            json or bool(fields & TIME_FIELDS),
            json or "threadName" in fields,
        )

    def setStream(self, stream: TextIO) -> TextIO | None:  # noqa: N802 (stdlib name)
        """stdlib's ``setStream``: flushes the old stream and returns it,
        or returns None if ``stream`` is already the handler's."""
        if stream is self.stream:
            return None
        with self.lock:
            old, self.stream = self.stream, stream
            if old is not None and hasattr(old, "flush"):
                old.flush()
        return old

    @_native
    def emit(self, record: _stdlib.LogRecord) -> None:
        """stdlib's ``StreamHandler.emit``: format, write, flush (or hand
        the record to the engine's worker, or to the standard library's
        handler that writes a ``FileHandler``'s file for it)."""
        if not self._caller_side:
            _emit_to_engine(self, record)
            return
        inner = self._inner
        if inner is not None:
            inner.formatter = self.formatter
            inner.emit(record)
            self.stream = getattr(inner, "stream", None)
            return
        try:
            text = self.format(record)
            self.stream.write(text + self.terminator)  # type: ignore[union-attr]
            self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        """Waits for the records the worker has (from C or Rust callers),
        then flushes the stream."""
        super().flush()
        with self.lock:
            stream = self.stream
            if stream is not None and hasattr(stream, "flush"):
                stream.flush()

    def _python_sink(self, *args: int) -> object:
        """The engine handler that writes C and Rust callers' records to the
        stream (on its worker, under the handler's lock)."""
        self._worker_runs_python = True
        # The handler's stream at each write (``setStream``, ``sys.stderr``
        # of the last resort), held weakly: the engine handle must not keep
        # the handler alive; once it has gone, the stream it last had.
        handler_ref = weakref.ref(self)
        last = [self.stream]
        lock = self.lock
        unflushed = [False]  # the stream is flushed only after a write of the worker's

        def sink(chunk: str | None) -> None:
            # The worker hands over a whole batch of lines, then None.
            live = handler_ref()
            stream = last[0] = live.stream if live is not None else last[0]
            if stream is None:
                return
            with lock:
                if chunk is not None:
                    stream.write(chunk)
                    unflushed[0] = True
                elif unflushed[0]:
                    unflushed[0] = False
                    flush = getattr(stream, "flush", None)
                    if flush is not None:
                        flush()

        return engine.callback_handler_new(sink, self.terminator, *args, caller_side=True)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        name = getattr(self.stream, "name", "")
        return f"<{type(self).__name__} {name} ({_level_name(self.level)})>".replace("  ", " ")


class StderrHandler(StreamHandler):
    """The last resort (stdlib's ``_StderrHandler``): writes to
    ``sys.stderr`` as it is when a record comes (a test's capture, pytest's
    ``capsys``), on the thread that logs; C and Rust callers' records reach
    it through its worker."""

    def __init__(self, level: int | str = NOTSET) -> None:
        super().__init__()
        self.setLevel(level)

    @property  # type: ignore[override]
    def stream(self) -> TextIO | None:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO | None) -> None:
        pass  # always sys.stderr

    def _plan_native_writes(self) -> None:
        self._native_writes = None  # the stream is looked up at each call


class ProcessStderrHandler(StreamHandler):
    """The process's standard error (descriptor 2), written by the worker
    with no Python: the last resort of C and Rust callers once the
    interpreter has exited."""

    def __init__(self) -> None:
        Handler.__init__(self)
        self.stream = sys.__stderr__

        def make(*args: int) -> object:
            return engine.handler_new('{"class": "stream", "stream": "stderr"}', *args)

        self._open(make, 0, "block", 0)


#: ``errors`` policies the engine's UTF-8 files honour: text reaches it as
#: valid UTF-8, lone surrogates already backslash-escaped.
_ENGINE_ERRORS = (None, "strict", "backslashreplace")


if hasattr(engine, "install_handle_method"):
    # The same ``handle``, native: a record from a ``QueueListener``, a
    # ``MemoryHandler`` or a caller reaches the handler's queue with no
    # Python frame when the handler has no filters (the native backend
    # only; Python handlers keep ``Handler.handle``).
    engine.install_handle_method(StreamHandler, Handler.handle, StreamHandler.emit)


def _is_utf8(encoding: str | None) -> bool:
    return encoding is None or codecs.lookup(encoding).name == "utf-8"


def engine_writes(mode: str, encoding: str | None, errors: str | None) -> bool:
    """Whether the engine can write such a file: mode ``"a"`` or ``"w"``,
    UTF-8 with lone surrogates escaped."""
    return mode in ("a", "w") and _is_utf8(encoding) and errors in _ENGINE_ERRORS


class FileHandler(StreamHandler):
    """Appends to (mode ``"a"``) or rewrites (mode ``"w"``) a file.

    With UTF-8 (the default) the worker thread owns the file; records from
    Python, C extensions and forked children can share it (every write
    appends). Other modes, encodings or ``errors`` policies hand the file to
    the standard library's own handler, which writes it as a Python handler
    does, on the thread that logs (records of C and Rust callers reach it
    through the worker). ``delay=True`` creates the file at the first record.
    """

    #: Reopen the file when it is moved or removed (``WatchedFileHandler``).
    _watch = False
    #: The standard library's handler that writes the file when the engine
    #: cannot (set before ``__init__`` by the subclasses, which make their
    #: own kind); ``emit`` hands it the records.
    _inner: _stdlib.Handler | None = None
    #: The standard library's class that writes the file then.
    _stdlib_class: type[_stdlib.FileHandler] = _stdlib.FileHandler

    def __init__(
        self,
        filename: str | os.PathLike[str],
        mode: str = "a",
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
        *,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        if self._inner is None and not engine_writes(mode, encoding, errors):
            self._inner = self._stdlib_class(filename, mode, encoding, delay, errors)
        Handler.__init__(self)
        self.baseFilename = os.path.abspath(os.fspath(filename))
        self.mode = mode
        self.encoding = encoding
        self.errors = errors
        self.delay = delay
        self.stream = None
        if self._inner is not None:
            # Its errors are this handler's (``handleError`` as looked up
            # at the time, an instance's own included).
            self._inner.handleError = lambda record: self.handleError(record)  # type: ignore[method-assign]
            self.stream = getattr(self._inner, "stream", None)
        if self._handle:
            return  # a Python handler (its own emit, or the standard library's)
        self._open(self._native_file(delay), capacity, overflow, timeout_ms)

    def _description(self, delay: bool) -> dict[str, object]:
        """The engine handler that owns the (UTF-8) file, described as in a
        configuration file (its class and keys)."""
        return {"class": "file", "path": self.baseFilename, "mode": self.mode, "delay": delay, "watch": self._watch}

    def _native_file(self, delay: bool) -> Callable[..., object]:
        """Makes the engine handler that owns the (UTF-8) file."""
        description = json.dumps(self._description(delay))
        return lambda *args: engine.handler_new(description, *args)

    def _is_python_handler(self) -> bool:
        return self._inner is not None or super()._is_python_handler()

    def close(self) -> None:
        """Drains the queue, stops the worker and closes the file."""
        super().close()
        self.stream = None
        if self._inner is not None:
            self._inner.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.baseFilename} ({_level_name(self.level)})>"
