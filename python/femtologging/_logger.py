"""Loggers: thin Python objects over the engine's registry. The level check
and the dispatch to handlers happen in the engine; Python only gathers what
stdlib puts on a record (message, caller, thread name, exception text)."""

from __future__ import annotations

import contextlib
import io
import logging as _stdlib
import os
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from . import _records, bridge
from ._backend import BACKEND, engine
from ._handler import (
    RECORD_ATTRIBUTES,
    Handler,
    adopt,
    adopted,
    attached,
    dispatch_changed,
    engine_fields,
    python_handlers,
    remember,
    shown,
)
from ._levels import CRITICAL, DEBUG, ERROR, INFO, NOTSET, TRACE, WARNING, check_level
from ._messages import report_bad_message
from ._records import LogRecord
from ._tracebacks import exception_text

ExcInfo = (
    bool
    | BaseException
    | tuple[type[BaseException], BaseException, TracebackType | None]
    | tuple[None, None, None]
    | None
)

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_lock = threading.RLock()

#: How deep logging calls may nest on one thread (a signal handler that logs
#: interrupting a logging call, again and again) before a record is dropped.
MAX_NESTED_CALLS = 8
_nesting = threading.local()
_nested_dropped = 0


def _engine_level(level: int) -> int:
    """Any int is a level, as in stdlib; beyond the engine's 32-bit range it
    is taken as the nearest end of it."""
    return min(max(level, -(2**31)), 2**31 - 1)


def nested_dropped() -> int:
    """Records dropped because logging calls nested deeper than
    ``MAX_NESTED_CALLS`` on one thread (signal handlers that log, firing
    faster than a call completes)."""
    return _nested_dropped


_loggers: dict[str, Logger] = {}


class _Pending:
    """One logger's state as this thread's ``configuration_change`` has
    made it so far (read from the engine when the block first touches it)."""

    def __init__(self, logger: Logger) -> None:
        handle = logger._handle
        self.logger = logger
        self.level: int = engine.logger_get_level(handle)
        self.propagate: bool = engine.logger_get_propagate(handle)
        self.disabled: bool = engine.logger_get_disabled(handle)
        self.handlers: list[Handler] = python_handlers(engine.logger_handlers(handle))
        self.original = list(self.handlers)


class _Batch(threading.local):
    """The loggers this thread changed inside ``configuration_change``;
    ``None`` outside one."""

    pending: dict[int, _Pending] | None = None


_batch = _Batch()


@contextlib.contextmanager
def configuration_change() -> Iterator[None]:
    """Groups the logger changes this thread makes (levels, handlers,
    ``propagate``, ``disabled``) into one engine change, made on leaving the
    block: a record logged meanwhile by another thread sees every logger as
    before or every logger as after, never a mix (and never a moment with
    no handler). Nests."""
    if _batch.pending is not None:
        yield
        return
    _batch.pending = {}
    try:
        yield
    finally:
        pending, _batch.pending = _batch.pending, None
        _apply(list(pending.values()))


def _apply(states: list[_Pending]) -> None:
    """Makes ``states`` the engine's, as one change."""
    for state in states:
        for handler in state.handlers:
            remember(handler)
    engine.loggers_set(
        [
            (state.logger._handle, state.level, state.propagate, state.disabled, [h._handle for h in state.handlers])
            for state in states
        ]
    )
    for state in states:
        _count_attachments(state.original, state.handlers)
    _refresh_caller_side(force=any(h._caller_side for state in states for h in state.handlers))


def _count_attachments(before: list[Handler], after: list[Handler]) -> None:
    """Counts the handlers a logger gained and lost (see ``attached``)."""
    for handler in set(after) - set(before):
        attached(handler, 1)
    for handler in set(before) - set(after):
        attached(handler, -1)


#: Whether some logger has a caller-side handler; until one does, changes
#: to handlers and ``propagate`` need not look for them.
_caller_side_in_use = False


def _refresh_caller_side(force: bool) -> None:
    """Recomputes which caller-side handlers each logger's records reach
    (after a change of handlers or ``propagate``). Always while the last
    resort runs on the calling thread: a change may leave a logger with no
    handler."""
    global _caller_side_in_use
    if not (force or _caller_side_in_use or _last_resort()):
        return
    with _lock:
        loggers = list(_loggers.values())
        for logger in loggers:
            _set_caller_side(logger)
        _caller_side_in_use = any(logger._caller_side_handlers for logger in loggers)


def held_by_a_logger(handle: object) -> bool:
    """Whether any logger holds the engine handler ``handle``."""
    wanted = engine.handler_id(handle)
    return any(
        engine.handler_id(h) == wanted for _name, logger in engine.loggers_get() for h in engine.logger_handlers(logger)
    )


def replace_engine_handler(old: object, handler: Handler) -> None:
    """Puts ``handler``'s engine handler in place of ``old`` on every logger
    that holds ``old`` (a handler handing its writing to Python code)."""
    old_id = engine.handler_id(old)
    with _lock:
        remember(handler)
        for _name, logger in engine.loggers_get():
            handles = engine.logger_handlers(logger)
            if any(engine.handler_id(h) == old_id for h in handles):
                swapped = [handler._handle if engine.handler_id(h) == old_id else h for h in handles]
                engine.logger_set_handlers(logger, swapped)
        _refresh_caller_side(force=True)


class _LastResort(Handler):
    """Stands for ``lastResort`` among the caller-side handlers of a logger
    that reaches no handler, so that Python callers' records meet it on the
    calling thread, as in stdlib: ``lastResort`` itself (the default writes
    to ``sys.stderr`` as it is at the call), or, when it is None, stdlib's
    one-time "No handlers could be found" notice."""

    def handle(self, record: LogRecord) -> bool:  # type: ignore[override]
        logger = _loggers.get(record.name)
        if logger is not None and _reaches_a_handler(logger):
            # C code attached a handler since: the engine has the record.
            _refresh_caller_side(force=True)
            return False
        found_no_handler(record, Logger.manager)
        return True


def found_no_handler(record: LogRecord, manager: Any) -> None:
    """stdlib's ``callHandlers`` for a record that reached no handler:
    ``lastResort`` if its level is met, or with ``lastResort = None`` the
    "No handlers could be found" notice, once per ``manager``."""
    package = sys.modules[__package__ or "femtologging"]
    last_resort = package.lastResort
    if last_resort is not None:
        if record.levelno >= last_resort.level:
            last_resort.handle(record)
    elif package.raiseExceptions and not getattr(manager, "emittedNoHandlerWarning", False):
        sys.stderr.write(f'No handlers could be found for logger "{record.name}"\n')
        manager.emittedNoHandlerWarning = True


def _reaches_a_handler(logger: Logger) -> bool:
    """Whether ``logger`` or an ancestor it propagates to has a handler,
    as the engine has it now."""
    node: Logger | None = logger
    while node is not None:
        if engine.logger_handler_count(node._handle):
            return True
        node = node.parent if node.propagate else None
    return False


_last_resort_stand_in: _LastResort | None = None


def _last_resort() -> tuple[Handler, ...]:
    """The caller-side handlers of a logger that reaches no handler: the
    stand-in for ``lastResort`` (see ``_LastResort``), unless ``lastResort``
    writes a file or a descriptor: the engine then takes those records."""
    global _last_resort_stand_in
    package = sys.modules.get(__package__ or "femtologging")
    last_resort = getattr(package, "lastResort", None)
    if last_resort is not None and not last_resort._caller_side:
        return ()
    if _last_resort_stand_in is None:
        _last_resort_stand_in = _LastResort()
    return (_last_resort_stand_in,)


def _set_caller_side(logger: Logger) -> None:
    reached = logger._reached_caller_side()
    if reached != logger._caller_side_handlers:
        logger._caller_side_handlers = reached
        logger._python_path_changed()
        dispatch_changed()


def _read_pending(logger: Logger) -> _Pending | None:
    """``logger``'s pending state, if this thread's ``configuration_change``
    has changed it (reading does not make it part of the change)."""
    pending = _batch.pending
    return None if pending is None else pending.get(id(logger))


def _pending(logger: Logger) -> _Pending | None:
    """``logger``'s state inside this thread's ``configuration_change``
    (``None`` outside one: changes go to the engine at once)."""
    pending = _batch.pending
    if pending is None:
        return None
    state = pending.get(id(logger))
    if state is None:
        state = pending[id(logger)] = _Pending(logger)
    return state


class _HandlerList(list):  # type: ignore[type-arg]
    """``Logger.handlers``: the engine's list of the logger's handlers, read
    when asked for; changing it (``append``, ``remove``, ``clear``,
    ``handlers[:] = …``) changes where the logger's records go."""

    def __init__(self, logger: Logger, handlers: list[Handler]) -> None:
        super().__init__(handlers)
        self._logger = logger

    def _changed(self) -> None:
        self._logger.handlers = list(self)


def _writes_back(name: str) -> Any:
    method = getattr(list, name)

    def change(self: _HandlerList, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        self._changed()
        return self if name in ("__iadd__", "__imul__") else result

    change.__name__ = name
    return change


for _name in ("append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse"):
    setattr(_HandlerList, _name, _writes_back(_name))
for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(_HandlerList, _name, _writes_back(_name))


class _PythonLogging:
    """The logging methods in Python, for the cffi backend. Under the native
    backend ``Logger`` inherits ``NativeLogger`` instead, which does the same
    in the extension (and calls ``_log`` for anything out of the ordinary)."""

    _handle: object
    _log: Any  # Logger._log: stdlib's full semantics

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802
        return engine.logger_is_enabled_for(self._handle, _engine_level(level))

    def trace(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(TRACE):
            self._log(TRACE, msg, args, **kwargs)

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(DEBUG):
            self._log(DEBUG, msg, args, **kwargs)

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(INFO):
            self._log(INFO, msg, args, **kwargs)

    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(WARNING):
            self._log(WARNING, msg, args, **kwargs)

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(ERROR):
            self._log(ERROR, msg, args, **kwargs)

    def critical(self, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(CRITICAL):
            self._log(CRITICAL, msg, args, **kwargs)

    fatal = critical

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if not isinstance(level, int):
            if getattr(sys.modules[__package__ or "femtologging"], "raiseExceptions", True):
                raise TypeError("level must be an integer")
            return
        level = _engine_level(level)
        if self.isEnabledFor(level):
            self._log(level, msg, args, **kwargs)


if TYPE_CHECKING:  # both bases have the same methods; type checkers see these
    _LoggerBase = _PythonLogging
else:
    _LoggerBase = engine.NativeLogger if BACKEND == "native" else _PythonLogging


class Logger(_LoggerBase, _stdlib.Filterer):
    """stdlib ``logging.Logger`` over an engine logger (the roadmap's ``FemtoLogger``).

    Filters added with ``addFilter`` run on the logging thread with a stdlib
    ``LogRecord`` (which they may change), as in the standard library.
    """

    #: Set below, once the root logger exists (as in the standard library).
    root: ClassVar[RootLogger]
    manager: ClassVar[Manager]

    def __new__(cls, name: str, handle: object = NOTSET) -> Logger:
        """``getLogger``'s logger of the engine's (``handle`` from the
        engine), or stdlib's ``Logger(name, level)``: a standalone logger,
        outside the registry (see ``femtologging._standalone``)."""
        from ._standalone import is_level, standalone_class

        if is_level(handle):
            cls = standalone_class(cls)
            handle = None
        if BACKEND == "native":
            return super().__new__(cls, name, handle)  # type: ignore[call-arg, no-any-return]
        return super().__new__(cls)  # type: ignore[no-any-return]

    def __init__(self, name: str, handle: object = NOTSET) -> None:
        if hasattr(self, "_init_standalone"):
            self._init_standalone(name, handle)  # type: ignore[arg-type]
            return
        # Only the engine's own handle for `name` (the native backend's
        # EngineLogger or a cffi pointer); a level made a standalone logger.
        if handle != engine.logger_get(name):
            raise TypeError(
                "femtologging loggers come from femtologging.getLogger(name) (the engine keeps one "
                f"logger per name); Logger({name!r}, {handle!r}) cannot make one"
            )
        _stdlib.Filterer.__init__(self)
        self.name = name
        self._handle = handle
        #: The caller-side handlers this logger's records reach (see
        #: ``Handler._caller_side``), kept by ``_refresh_caller_side``.
        self._caller_side_handlers: tuple[Handler, ...] = ()

    def __reduce__(self) -> Any:
        # As stdlib: a logger pickles (and copies) as its name.
        return getLogger, (self.name,)

    # ---- configuration ---------------------------------------------------

    # Level, ``propagate``, ``disabled`` and handlers live in the engine:
    # what C code (or another binding) set is what Python reads.

    @property
    def level(self) -> int:
        state = _read_pending(self)
        return state.level if state else engine.logger_get_level(self._handle)

    def setLevel(self, level: int | str) -> None:  # noqa: N802 (stdlib name)
        value = check_level(level)
        state = _pending(self)
        if state:
            state.level = value
        else:
            engine.logger_set_level(self._handle, value)
        bridge.level_set(self.name, value)

    def getEffectiveLevel(self) -> int:  # noqa: N802
        return engine.logger_effective_level(self._handle)

    @property
    def disabled(self) -> bool:
        """stdlib ``Logger.disabled``; applies to C callers of this logger too."""
        state = _read_pending(self)
        return state.disabled if state else engine.logger_get_disabled(self._handle)

    @disabled.setter
    def disabled(self, value: bool) -> None:
        state = _pending(self)
        if state:
            state.disabled = bool(value)
        else:
            engine.logger_set_disabled(self._handle, bool(value))

    @property
    def propagate(self) -> bool:
        state = _read_pending(self)
        return state.propagate if state else engine.logger_get_propagate(self._handle)

    @propagate.setter
    def propagate(self, value: bool) -> None:
        state = _pending(self)
        if state:
            state.propagate = bool(value)
        else:
            engine.logger_set_propagate(self._handle, bool(value))
            _refresh_caller_side(force=False)

    def _own_handlers(self) -> list[Handler]:
        """The logger's handlers as femtologging holds them (adapters of
        foreign handlers included)."""
        state = _read_pending(self)
        return list(state.handlers) if state else python_handlers(engine.logger_handlers(self._handle))

    @property
    def handlers(self) -> list[Handler]:
        """The logger's own handlers, as the engine has them (also those
        attached from C); changing the list changes where records go."""
        return _HandlerList(self, shown(self._own_handlers()))

    @handlers.setter
    def handlers(self, value: list[Handler]) -> None:
        handlers = [adopt(h) for h in dict.fromkeys(value)]  # each once, in order
        state = _pending(self)
        if state:
            state.handlers = handlers
            return
        with _lock:
            before = python_handlers(engine.logger_handlers(self._handle))
            for handler in handlers:
                remember(handler)
            # Only the handlers change: a concurrent change of the level or
            # ``propagate`` stays.
            engine.logger_set_handlers(self._handle, [h._handle for h in handlers])
            _count_attachments(before, handlers)
            _refresh_caller_side(force=any(h._caller_side for h in handlers))
        if self is root and handlers:
            bridge.configured()

    @property
    def parent(self) -> Logger | None:
        if self.name == "root":
            return None
        head, _, _ = self.name.rpartition(".")
        return getLogger(head or None)

    def addFilter(self, filter: Any) -> None:  # noqa: N802, A002 (stdlib names)
        super().addFilter(filter)
        self._filters_changed()

    def removeFilter(self, filter: Any) -> None:  # noqa: N802, A002
        super().removeFilter(filter)
        self._filters_changed()

    def _filters_changed(self) -> None:
        self._python_path_changed()

    #: A subclass overrides a step of stdlib's logging call (``_log``,
    #: ``makeRecord`` ...): its calls all go through Python, as in stdlib.
    _own_steps = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._own_steps = any(getattr(cls, step) is not getattr(Logger, step) for step in _CALL_STEPS)

    def _python_path_changed(self) -> None:
        """Tells the native fast path whether calls must go through ``_log``:
        filters need a ``LogRecord``, and so do caller-side handlers, a
        record factory the program set, and a subclass's own steps."""
        if BACKEND == "native":
            python_path = bool(self.filters) or self._own_steps or _records.custom_factory()
            self._set_paths(python_path, bool(self._caller_side_handlers))  # type: ignore[attr-defined]

    def _reached_caller_side(self) -> tuple[Handler, ...]:
        """The caller-side handlers of this logger and its ancestors (while
        ``propagate`` holds), in stdlib's ``callHandlers`` order; with no
        handler at all, the last resort's stand-in (see ``_last_resort``)."""
        found: list[Handler] = []
        reached = False
        logger: Logger | None = self
        while logger is not None:
            own = logger._own_handlers()
            reached = reached or bool(own)
            found.extend(handler for handler in own if handler._caller_side)
            logger = logger.parent if logger.propagate else None
        return tuple(found) if reached else _last_resort()

    def addHandler(self, hdlr: Handler) -> None:  # noqa: N802
        """Adds a handler: femtologging's, or any other (the standard
        library's, a third party's), which then runs as in stdlib."""
        handler = adopt(hdlr)
        state = _pending(self)
        if state:
            if handler not in state.handlers:
                state.handlers.append(handler)
            return
        with _lock:
            remember(handler)
            if handler not in self._own_handlers():
                engine.logger_add_handler(self._handle, handler._handle)
                attached(handler, 1)
            _refresh_caller_side(force=handler._caller_side)
        if self is root:
            bridge.configured()

    def removeHandler(self, hdlr: Handler) -> None:  # noqa: N802
        handler = adopted(hdlr)
        if handler is None:
            return
        state = _pending(self)
        if state:
            if handler in state.handlers:
                state.handlers.remove(handler)
            return
        with _lock:
            if handler in self._own_handlers():
                engine.logger_remove_handler(self._handle, handler._handle)
                attached(handler, -1)
            _refresh_caller_side(force=False)

    def hasHandlers(self) -> bool:  # noqa: N802
        logger: Logger | None = self
        while logger is not None:
            if logger.handlers:
                return True
            logger = logger.parent if logger.propagate else None
        return False

    def getChild(self, suffix: str) -> Logger:  # noqa: N802
        name = suffix if self.name == "root" else f"{self.name}.{suffix}"
        return getLogger(name)

    # ---- logging -----------------------------------------------------------

    def exception(self, msg: object, *args: object, exc_info: ExcInfo = True, **kwargs: Any) -> None:
        self.error(msg, *args, exc_info=exc_info, **kwargs)

    def warn(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Deprecated alias of ``warning`` (as in stdlib, with its warning)."""
        import warnings

        warnings.warn("The 'warn' method is deprecated, use 'warning' instead", DeprecationWarning, 2)
        self.warning(msg, *args, **kwargs)

    def findCaller(self, stack_info: bool = False, stacklevel: int = 1) -> tuple[str, int, str, str | None]:  # noqa: N802
        """stdlib's ``findCaller``: file, line, function and (with
        ``stack_info``) the stack of the code that called logging."""
        frame = _caller(stacklevel)
        if frame is None:
            return "(unknown file)", 0, "(unknown function)", None
        code = frame.f_code
        return code.co_filename, frame.f_lineno, code.co_name, _stack_text(frame) if stack_info else None

    def makeRecord(  # noqa: N802 (stdlib name)
        self,
        name: str,
        level: int,
        fn: str,
        lno: int,
        msg: object,
        args: Any,
        exc_info: Any,
        func: str | None = None,
        extra: Mapping[str, object] | None = None,
        sinfo: str | None = None,
    ) -> LogRecord:
        """stdlib's ``makeRecord``: the record, with ``extra`` set on it
        (``KeyError`` for a name the record has)."""
        record = _records._factory(name, level, fn, lno, msg, args, exc_info, func, sinfo)
        for key, value in (extra or {}).items():
            if key in _RESERVED or key in record.__dict__:
                raise KeyError(f"Attempt to overwrite {key!r} in LogRecord")
            setattr(record, key, value)
        return record

    def handle(self, record: Any) -> None:
        """stdlib's ``handle``: this logger's filters, then its handlers and
        its ancestors' (a record made elsewhere, such as by a socket
        listener)."""
        if not self.disabled and (not self.filters or self.filter(record)):
            self.callHandlers(record)

    def callHandlers(self, record: Any) -> None:  # noqa: N802 (stdlib name)
        """Hands ``record`` to the handlers this logger's records reach."""
        caller_side = self._caller_side_handlers
        passed = engine.logger_log(self._handle, *engine_fields(record), caller_side_done=bool(caller_side))
        if caller_side and passed:
            _call_handlers(record, caller_side)

    def _log(
        self,
        level: int,
        msg: object,
        args: tuple[object, ...],
        exc_info: ExcInfo = None,
        extra: Mapping[str, object] | None = None,
        stack_info: bool = False,
        stacklevel: int = 1,
    ) -> None:
        # A signal handler that logs can interrupt this very method; one
        # that fires faster than a call completes would nest without end.
        depth = getattr(_nesting, "depth", 0)
        if depth >= MAX_NESTED_CALLS:
            global _nested_dropped
            _nested_dropped += 1
            return
        _nesting.depth = depth + 1
        try:
            self._log_record(level, msg, args, exc_info, extra, stack_info, stacklevel)
        finally:
            _nesting.depth = depth

    def _log_record(
        self,
        level: int,
        msg: object,
        args: tuple[object, ...],
        exc_info: ExcInfo,
        extra: Mapping[str, object] | None,
        stack_info: bool,
        stacklevel: int,
    ) -> None:
        caller_side = self._caller_side_handlers
        # The caller is found only when something reads where it is.
        needs_record = bool(self.filters or caller_side or _records.custom_factory())
        needs_caller = needs_record or stack_info or engine.logger_needs_location(self._handle)
        frame = _caller(stacklevel) if needs_caller else None
        if frame is not None:
            code = frame.f_code
            pathname, lineno, func_name = code.co_filename, frame.f_lineno, code.co_name
        elif needs_caller:
            pathname, lineno, func_name = "(unknown file)", 0, "(unknown function)"
        else:
            pathname, lineno, func_name = "", 0, ""  # nothing reads them
        stack = _stack_text(frame) if stack_info else None
        if needs_record:
            # stdlib semantics: the logger's filters and the caller-side
            # handlers see (and may change) a LogRecord.
            record = _records._factory(
                self.name, level, pathname, lineno, msg, args, _exc_tuple(exc_info), func_name, stack
            )
            if extra:
                for key in extra:
                    if key in _RESERVED or key in record.__dict__:
                        raise KeyError(f"Attempt to overwrite {key!r} in LogRecord")
                for key, value in extra.items():
                    setattr(record, key, value)
            if self.filters and not self.filter(record):
                return
            if caller_side and engine.logger_only_caller_side(self._handle):
                # Nothing for the engine to write: the message is made only
                # where a handler formats it, as in stdlib.
                _call_handlers(record, caller_side)
                return
            try:
                message = record.getMessage()
            except Exception as error:
                report_bad_message(error, record.msg, record.args or ())
                return
            level, stack = record.levelno, record.stack_info
            try:
                exc_text = _exception_text(record.exc_info) if record.exc_info else None
            except Exception as error:  # a garbage exc_info: stdlib's handler reports it
                report_bad_message(error, record.msg, record.args or ())
                return
            key_values = [(k, _text(v)) for k, v in record.__dict__.items() if k not in RECORD_ATTRIBUTES] or None
        else:
            try:
                if args and len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
                    message = str(msg) % args[0]  # stdlib: a single mapping argument
                else:
                    message = str(msg) % args if args else str(msg)
            except Exception as error:
                report_bad_message(error, msg, args)
                return
            key_values = _key_values(extra) if extra else None
            try:
                exc_text = _exception_text(exc_info) if exc_info else None
            except Exception as error:  # a garbage exc_info: stdlib's handler reports it
                report_bad_message(error, msg, args)
                return
        passed = engine.logger_log(
            self._handle,
            level,
            message,
            pathname,
            lineno or 0,
            func_name,
            threading.current_thread().name,
            exc_text,
            stack,
            key_values,
            # One time for the record the handlers here see and the engine's.
            created_ns=int(record.created * 1e9) if needs_record else 0,
            caller_side_done=bool(caller_side),
        )
        if caller_side and passed:
            _call_handlers(record, caller_side)

    def __repr__(self) -> str:
        from ._levels import getLevelName

        return f"<{type(self).__name__} {self.name} ({getLevelName(self.getEffectiveLevel())})>"


#: The methods of a logging call a ``Logger`` subclass may override.
_CALL_STEPS = ("_log", "makeRecord", "findCaller", "handle", "callHandlers")

#: Names ``extra`` may not use (stdlib raises ``KeyError`` for these too).
_RESERVED = frozenset(
    "args asctime created exc_info exc_text filename funcName levelname levelno lineno module msecs message msg "
    "name pathname process processName relativeCreated stack_info thread threadName taskName".split()
)


def _call_handlers(record: LogRecord, handlers: tuple[Handler, ...]) -> None:
    """stdlib's ``callHandlers`` for the caller-side handlers (the engine
    has the others): each whose level the record meets handles it here."""
    levelno = record.levelno
    for handler in handlers:
        if levelno >= handler._level:
            handler.handle(record)


def _exc_tuple(exc_info: ExcInfo) -> Any:
    """``exc_info`` as stdlib's ``LogRecord`` wants it (a tuple or None)."""
    if not exc_info:
        return None
    if isinstance(exc_info, BaseException):
        return (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple):
        return exc_info
    return sys.exc_info()


def _key_values(extra: Mapping[str, object]) -> list[tuple[str, str]]:
    """``extra`` as the record's key-values, available to formats as ``%(key)s``."""
    pairs = []
    for key, value in extra.items():
        if key in _RESERVED:
            raise KeyError(f"Attempt to overwrite {key!r} in LogRecord")
        pairs.append((str(key), _text(value)))
    return pairs


def _text(value: object) -> str:
    """``str(value)``; a value whose ``__str__`` fails is shown as stdlib's
    ``object.__repr__`` would show it (the logging call must not raise)."""
    try:
        return str(value)
    except Exception:
        return object.__repr__(value)


def _caller(stacklevel: int) -> FrameType | None:
    """The frame that called the logging method, skipping femtologging's own
    frames, then ``stacklevel - 1`` more (stdlib semantics)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _PACKAGE_DIR:
        frame = frame.f_back
    for _ in range(max(stacklevel, 1) - 1):
        if frame is None or frame.f_back is None:
            break
        frame = frame.f_back
    return frame


def _exception_text(exc_info: ExcInfo) -> str | None:
    info: tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
    if isinstance(exc_info, BaseException):
        info = (type(exc_info), exc_info, exc_info.__traceback__)
    elif isinstance(exc_info, tuple):
        info = exc_info
    else:
        info = sys.exc_info()
    return exception_text(*info)


def _stack_text(frame: FrameType | None) -> str:
    """stdlib's ``stack_info`` text (made as ``findCaller`` makes it)."""
    out = io.StringIO()
    out.write("Stack (most recent call last):\n")
    traceback.print_stack(frame, file=out)
    text = out.getvalue()
    return text[:-1] if text.endswith("\n") else text


if BACKEND == "native":
    engine.install_level_methods(Logger)  # type: ignore[attr-defined]


class RootLogger(Logger):
    """The root logger's class, as stdlib's (``logging.root`` is one)."""

    def __reduce__(self) -> Any:
        return getLogger, ()


_logger_class: type[Logger] = Logger


def setLoggerClass(klass: type[Logger]) -> None:  # noqa: N802 (stdlib name)
    """The class ``getLogger`` makes new loggers of (a ``Logger`` subclass)."""
    global _logger_class
    if klass is not Logger and not issubclass(klass, Logger):
        raise TypeError("logger not derived from femtologging.Logger: " + klass.__name__)
    _logger_class = klass


def getLoggerClass() -> type[Logger]:  # noqa: N802
    return _logger_class


def getLogger(name: str | None = None) -> Logger:  # noqa: N802 (stdlib name)
    """The logger called ``name`` (the root logger for ``None`` or ``""``)."""
    key = "root" if not name or name == "root" else name
    logger = _loggers.get(key)
    if logger is not None:
        return logger
    if not isinstance(key, str):
        raise TypeError("A logger name must be a string")
    with _lock:
        logger = _loggers.get(key)
        if logger is None:
            klass = RootLogger if key == "root" else _logger_class
            logger = klass(key, engine.logger_get(key))
            _loggers[key] = logger
            if _caller_side_in_use:
                _set_caller_side(logger)
            if logger._own_steps or _records.custom_factory():
                logger._python_path_changed()
        return logger


def record_factory_changed() -> None:
    """Sends every logger's calls through Python while a factory the
    program set makes the records (and back to the fast path after)."""
    with _lock:
        for logger in _loggers.values():
            logger._python_path_changed()


class Manager:
    """stdlib's ``Logger.manager``, over the engine's logger registry."""

    def __init__(self, root: Logger | None) -> None:
        self.root = root
        self._disable = 0
        #: A manager made by hand (stdlib's ``Manager(None)``): the loggers
        #: of its own class it made, over the engine's loggers of their names.
        self._own_class: type[Logger] | None = None
        self._own_loggers: dict[str, Logger] = {}

    @property
    def disable(self) -> int:
        """The level ``femtologging.disable`` set last (stdlib's attribute;
        setting it disables as that function does)."""
        return self._disable

    @disable.setter
    def disable(self, level: int) -> None:
        engine.disable(check_level(level))
        self._disable = level
        bridge.disabled(level)

    @property
    def loggerDict(self) -> dict[str, Logger]:  # noqa: N802 (stdlib name)
        """Every logger but the root, by name, as the engine's registry has
        them: those made from C too, and the parents a dotted name creates
        (real loggers here, where stdlib has placeholders)."""
        return {name: getLogger(name) for name, _ in engine.loggers_get() if name != "root"}

    def getLogger(self, name: str) -> Logger:  # noqa: N802
        if self._own_class is None:
            return getLogger(name)
        logger = self._own_loggers.get(name)
        if logger is None:
            logger = self._own_loggers[name] = self._own_class(name, engine.logger_get(name))
            logger._python_path_changed()
        return logger

    @property
    def loggerClass(self) -> type[Logger]:  # noqa: N802 (stdlib name)
        return self._own_class or _logger_class

    def setLoggerClass(self, klass: type[Logger]) -> None:  # noqa: N802 (stdlib name)
        """The class this manager makes loggers of: for ``Logger.manager``,
        ``setLoggerClass``; a manager made by hand keeps its own."""
        if self is Logger.manager:
            setLoggerClass(klass)
            return
        if klass is not Logger and not issubclass(klass, Logger):
            raise TypeError("logger not derived from femtologging.Logger: " + klass.__name__)
        self._own_class = klass

    @property
    def logRecordFactory(self) -> Any:  # noqa: N802 (stdlib name)
        return _records.getLogRecordFactory()

    def setLogRecordFactory(self, factory: Any) -> None:  # noqa: N802 (stdlib name)
        _records.setLogRecordFactory(factory)


root = cast(RootLogger, getLogger())  # the registry made the root a RootLogger
Logger.root = root
Logger.manager = Manager(root)
