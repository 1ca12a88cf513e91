"""femtologging: a faster, drop-in ``logging`` whose I/O runs on native threads.

``import femtologging as logging`` and keep your code. Records go to an
engine shared with C extensions and native code in the same process (one
logger registry, one set of handler threads); see ``docs/python.md``.
"""

from __future__ import annotations

# Of these, ``io``, ``threading``, ``time``, ``traceback``, ``warnings``
# and ``weakref`` are here as in stdlib's ``logging``, for code that reaches
# them through it (``logging.weakref`` in CPython's tests).
import atexit
import io  # noqa: F401
import logging as _stdlib
import os
import sys
import threading  # noqa: F401
import time  # noqa: F401
import traceback  # noqa: F401
import types
import warnings
import weakref  # noqa: F401
from typing import Any

from . import _handler as _handler_module
from . import _levels, _processes
from . import _logger as _logger_module
from ._adapters import LoggerAdapter, captureWarnings
from ._backend import BACKEND, engine
from ._config import BASIC_FORMAT, basicConfig
from ._errors import FemtoError, FemtoOSError, FemtoValueError
from ._filters import BufferingFormatter, Filter, LevelFilter
from ._formatter import Formatter, JsonFormatter
from ._handler import FileHandler, Handler, NullHandler, StreamHandler, close_all
from ._handler import ProcessStderrHandler as _ProcessStderrHandler
from ._handler import StderrHandler as _StderrHandler
from ._levels import (
    CRITICAL,
    DEBUG,
    ERROR,
    FATAL,
    INFO,
    NOTSET,
    TRACE,
    WARN,
    WARNING,
    addLevelName,
    getLevelName,
    getLevelNamesMapping,
)
from ._levels import (
    check_level as _check_level,
)
from ._logger import Logger, getLogger, getLoggerClass, nested_dropped, root, setLoggerClass
from ._logger import Manager as Manager  # in stdlib's namespace, not its __all__
from ._logger import RootLogger as RootLogger  # likewise
from ._paths import get_include, get_library_dir, get_pkgconfig_dir
from ._records import LogRecord, getLogRecordFactory, makeLogRecord, setLogRecordFactory

__all__ = [
    "BufferingFormatter",
    "fatal",
    "warn",
    "BACKEND",
    "BASIC_FORMAT",
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "NOTSET",
    "TRACE",
    "WARN",
    "WARNING",
    "FemtoError",
    "FemtoFileHandler",
    "FemtoLogger",
    "FemtoOSError",
    "FemtoStreamHandler",
    "FemtoValueError",
    "FileHandler",
    "Filter",
    "Formatter",
    "Handler",
    "JsonFormatter",
    "LevelFilter",
    "LogRecord",
    "Logger",
    "LoggerAdapter",
    "NullHandler",
    "StreamHandler",
    "addLevelName",
    "basicConfig",
    "captureWarnings",
    "critical",
    "debug",
    "disable",
    "error",
    "exception",
    "getLevelName",
    "getLevelNamesMapping",
    "getLogger",
    "getLoggerClass",
    "get_include",
    "get_library_dir",
    "get_logger",
    "get_pkgconfig_dir",
    "info",
    "lastResort",
    "log",
    "makeLogRecord",
    "getLogRecordFactory",
    "setLogRecordFactory",
    "raiseExceptions",
    "setLoggerClass",
    "shutdown",
    "flush",
    "set_write_through",
    "warning",
    "nested_dropped",
    "set_exit_timeout",
]

__version__ = engine.version()

# The roadmap's names.
FemtoLogger = Logger
FemtoStreamHandler = StreamHandler
FemtoFileHandler = FileHandler
get_logger = getLogger

# The standard library's own helpers, under the names programs reach them by.
PercentStyle = _stdlib.PercentStyle
StrFormatStyle = _stdlib.StrFormatStyle
StringTemplateStyle = _stdlib.StringTemplateStyle
Filterer = _stdlib.Filterer
currentframe = _stdlib.currentframe
#: stdlib's placeholder class, for code that skips placeholders in
#: ``Logger.manager.loggerDict`` (femtologging's holds only loggers).
PlaceHolder = _stdlib.PlaceHolder
_nameToLevel = _levels._name_to_level  # noqa: N816 (stdlib's private names)
_levelToName = _levels._level_to_name  # noqa: N816
_handlerList = _handler_module._created  # noqa: N816 (weak references, as stdlib's)
_handlers = _handler_module._named  # named handlers, by name (stdlib's registry)
_at_fork_reinit_lock_weakset = _handler_module._at_fork_reinit_lock_weakset


def _acquireLock() -> None:  # noqa: N802 (stdlib's private name)
    """The module lock that configuration changes hold (stdlib's name)."""
    _logger_module._lock.acquire()


def _releaseLock() -> None:  # noqa: N802
    _logger_module._lock.release()


#: stdlib's switches for what records carry: the thread, the process id,
#: the process name (``multiprocessing``'s).
logThreads = True  # noqa: N816 (stdlib names)
logProcesses = True  # noqa: N816
logMultiprocessing = True  # noqa: N816
_RECORD_OPTIONS = ("logThreads", "logProcesses", "logMultiprocessing")

#: stdlib's ``raiseExceptions``: when false, handler errors are not printed.
raiseExceptions = True  # noqa: N816 (stdlib name)


#: Where records go that reach no handler (stdlib's ``lastResort``):
#: ``sys.stderr`` at WARNING, as it is at the call. Assign a handler to
#: replace it, or None for stdlib's one-time "No handlers could be found"
#: notice; C and Rust callers share it.
lastResort: Handler | None = _StderrHandler(WARNING)  # noqa: N816 (stdlib name)


class _Module(types.ModuleType):
    """Gives ``femtologging.lastResort = ...`` and ``raiseExceptions = ...``
    their effect on the engine."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _RECORD_OPTIONS:
            # Records of both backends (stdlib's class under cffi) and of
            # the libraries that log through stdlib follow them.
            setattr(_stdlib, name, value)
            options = {option: getattr(self, option) for option in _RECORD_OPTIONS} | {name: bool(value)}
            if BACKEND == "native":
                engine.record_options(*options.values())  # type: ignore[attr-defined]
        if name == "raiseExceptions":
            # Also silences (or restores) the engine's own error lines.
            engine.set_error_output(bool(value))
        if name == "lastResort":
            if value is not None and not (isinstance(value, Handler) and value._handle):
                raise TypeError("lastResort must be a femtologging Handler or None")
            engine.set_last_resort(value._handle if value is not None else None)  # type: ignore[union-attr]
        super().__setattr__(name, value)
        if name == "lastResort":
            _logger_module._refresh_caller_side(force=True)


sys.modules[__name__].__class__ = _Module


def __getattr__(name: str) -> object:
    if name == "_logRecordFactory":  # stdlib's private name for the factory in use
        return getLogRecordFactory()
    # The roadmap's names for the file handlers of ``femtologging.handlers``, without importing
    # ``femtologging.handlers`` (and stdlib's ``logging.handlers``) at startup; so they are
    # not in ``__all__`` (which, as stdlib's, lists what the module itself defines).
    if name in ("FemtoRotatingFileHandler", "FemtoTimedRotatingFileHandler", "FemtoWatchedFileHandler"):
        from . import handlers

        return getattr(handlers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


engine.set_last_resort(lastResort._handle)
_logger_module._refresh_caller_side(force=True)

#: How long shutdown() waits for the handlers to drain (also at exit).
_SHUTDOWN_TIMEOUT_MS = int(os.environ.get("FEMTOLOGGING__SHUTDOWN_TIMEOUT_MS", "30000"))


def shutdown(handlerList: list[Any] | None = None) -> None:  # noqa: N803 (stdlib's name)
    """Flushes and closes every handler, newest first as stdlib does, then
    drains and stops whatever the engine still runs (C handlers); runs at
    exit too. With ``handlerList`` (weak references to handlers, as
    stdlib's ``logging.shutdown`` takes), only those, as stdlib would."""
    if handlerList is not None:
        _shut_down(handlerList)
        return
    close_all()
    engine.shutdown(_SHUTDOWN_TIMEOUT_MS)


def _shut_down(references: list[Any]) -> None:
    """stdlib's ``shutdown`` of the handlers ``references`` point to:
    newest first, each flushed and closed under its lock; ``OSError`` and
    ``ValueError`` ignored, anything else raised if ``raiseExceptions``."""
    for reference in reversed(references[:]):
        try:
            handler = reference()
            if handler:
                try:
                    handler.acquire()
                    handler.flush()
                    handler.close()
                except (OSError, ValueError):
                    pass
                finally:
                    handler.release()
        except Exception:
            if raiseExceptions:
                raise


def flush(timeout: float | None = None) -> bool:
    """Returns once every record logged before the call (by C and Rust code
    too) has been written by every handler and their files flushed:
    ``False`` if ``timeout`` seconds passed first (default: wait as long as
    ``shutdown`` would)."""
    timeout_ms = _SHUTDOWN_TIMEOUT_MS if timeout is None else max(0, int(timeout * 1000))
    return bool(engine.flush_all(timeout_ms))


def set_write_through(enabled: bool = True) -> None:
    """For test suites: while on, each logging call returns only once the
    handlers that write files (on worker threads) have written its record,
    as the standard library's would have. Costs a wait for a worker per
    record, so it is off by default; ``FEMTOLOGGING_WRITE_THROUGH=1`` in the
    environment turns it on for the whole process. C and Rust callers in
    the process share the setting."""
    engine.set_write_through(bool(enabled))


def set_exit_timeout(seconds: float | None) -> None:
    """Sets how long the drain at exit waits while no handler writes
    anything before it abandons what a stuck handler still holds (counted,
    and said once on stderr). ``None`` waits for ever. The default is 5
    seconds, or ``FEMTOLOGGING_EXIT_TIMEOUT`` seconds from the environment.
    C and Rust code in the process share the setting."""
    if seconds is None:
        engine.set_exit_timeout(2**64 - 1)
    elif seconds < 0 or seconds != seconds:
        raise ValueError(f"exit timeout must be a number of seconds >= 0, not {seconds!r}")
    else:
        engine.set_exit_timeout(int(seconds * 1000))


_exit_last_resort: Handler | None = None


def _shutdown_at_exit() -> None:
    """``shutdown`` at interpreter exit, bounded: from the start every wait
    gives up once no handler has written anything for the exit timeout.
    Handlers that run no Python stay open for the ``atexit`` functions that
    run after this one (registered before femtologging was imported); the
    library's exit hook drains them once the interpreter has finished."""
    engine.exit_begin()
    close_all(keep_native=True)
    if isinstance(lastResort, _StderrHandler):
        # No Python runs from here on: C and Rust callers' records that reach
        # no handler go to the process's stderr, from the engine.
        global _exit_last_resort
        _exit_last_resort = _ProcessStderrHandler()
        _exit_last_resort.setLevel(lastResort.level)
        engine.set_last_resort(_exit_last_resort._handle)
    # Handlers whose Python object has gone but that a logger still holds
    # (a StreamHandler on a StringIO made in a function) write now: no
    # Python callback runs once the interpreter's exit goes further.
    engine.flush_all(_SHUTDOWN_TIMEOUT_MS)


def _shutdown_at_process_end() -> None:
    """A ``multiprocessing`` worker's end (``os._exit`` follows, and no exit
    hook runs): everything is drained and closed now."""
    engine.exit_begin()
    close_all()
    engine.exit_drain()


atexit.register(_shutdown_at_exit)
_processes.arm(_shutdown_at_process_end)


def disable(level: int = CRITICAL) -> None:
    """Turns off every record at or below ``level``, in every logger (C callers too)."""
    root.manager.disable = _check_level(level)  # type: ignore[attr-defined]


def _root_log(method: str, msg: object, *args: object, **kwargs: object) -> None:
    if not engine.logger_handler_count(root._handle):  # stdlib: `if len(root.handlers) == 0`
        basicConfig()
    getattr(root, method)(msg, *args, **kwargs)


def critical(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("critical", msg, *args, **kwargs)


def error(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("error", msg, *args, **kwargs)


fatal = critical


def warn(msg: object, *args: object, **kwargs: object) -> None:
    """Deprecated alias of ``warning`` (as in stdlib, with its warning)."""
    warnings.warn("The 'warn' function is deprecated, use 'warning' instead", DeprecationWarning, 2)
    _root_log("warning", msg, *args, **kwargs)


def exception(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("exception", msg, *args, **kwargs)


def warning(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("warning", msg, *args, **kwargs)


def info(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("info", msg, *args, **kwargs)


def debug(msg: object, *args: object, **kwargs: object) -> None:
    _root_log("debug", msg, *args, **kwargs)


def log(level: int, msg: object, *args: object, **kwargs: object) -> None:
    if not engine.logger_handler_count(root._handle):
        basicConfig()
    root.log(level, msg, *args, **kwargs)


def _rehome(names: list[str]) -> None:
    """Gives the public classes and functions (and the class of
    ``lastResort``) the package as their module, as the standard library's
    are ``logging``'s: reprs, ``help()`` and ``check__all__`` then agree."""
    for name in names:
        value = globals()[name]
        owner = value if isinstance(value, type) or callable(value) else type(value)
        if getattr(owner, "__module__", "").startswith(__name__ + "."):
            try:
                owner.__module__ = __name__
            except (AttributeError, TypeError):
                pass  # a native type keeps its own


_rehome(__all__)
