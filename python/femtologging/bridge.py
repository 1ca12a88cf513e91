"""One pipeline for the process: what code logs through the standard
library's ``logging`` (third-party libraries, the standard library's own
modules) reaches femtologging's loggers, filters and handlers.

The bridge attaches itself to the standard library's root logger the first
time the program configures femtologging: ``basicConfig``,
``config.dictConfig``, ``config.fileConfig`` or a handler added to the root
logger. From then on each standard-library record is handled by the
femtologging logger of the same name as if it had been logged there: on
the thread that logs, Python handlers get the record object itself
(``msg`` and ``args`` untouched), file handlers write it on their workers.

While it is attached, a level set on a femtologging logger is set on the
standard library's logger of the same name too (and ``disable`` on both),
so a library's ``debug`` call that nothing wants costs what it costs under
the standard library.

No record is written twice: a handler attached to loggers of both libraries
(pytest's ``caplog`` handler, for one) gets a standard-library record once,
from the standard library. A handler that logs through the standard library
while it handles a bridged record does not loop.

To opt out, set ``FEMTOLOGGING_BRIDGE=0`` in the environment or call
``bridge.uninstall()`` (the bridge then stays off until ``bridge.install()``).
"""

from __future__ import annotations

import contextlib
import logging as _stdlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: How deep bridged records may nest on one thread (a handler that logs
#: through the standard library while it handles one) before one is dropped.
MAX_NESTED_RECORDS = 8


class _Forwarding(threading.local):
    """What the bridge is doing on this thread."""

    #: The records being handled, outermost first: one that comes back
    #: (a handler passing it on to the standard library) is not bridged again.
    in_flight: tuple[_stdlib.LogRecord, ...] = ()
    #: The standard library's handlers that already had the innermost one.
    had_it: frozenset[object] = frozenset()


forwarding = _Forwarding()


class BridgeHandler(_stdlib.Handler):
    """The standard-library handler that hands each record to the
    femtologging logger of its name."""

    def handle(self, record: _stdlib.LogRecord) -> bool:  # type: ignore[override]
        # No handler lock: femtologging's handlers keep their own, and
        # threads logging through libraries must not queue up here.
        in_flight = forwarding.in_flight
        if len(in_flight) >= MAX_NESTED_RECORDS or any(r is record for r in in_flight):
            return False
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: _stdlib.LogRecord) -> None:
        from ._handler import foreign_handlers_in_use
        from ._logger import getLogger

        logger = getLogger(record.name)
        if not logger.isEnabledFor(record.levelno):
            return
        outer_in_flight, outer_had_it = forwarding.in_flight, forwarding.had_it
        forwarding.in_flight = (*outer_in_flight, record)
        forwarding.had_it = _stdlib_handlers_reached(record.name) if foreign_handlers_in_use() else frozenset()
        try:
            logger.handle(record)
        except Exception:
            self.handleError(record)
        finally:
            forwarding.in_flight, forwarding.had_it = outer_in_flight, outer_had_it


def carrying(record: _stdlib.LogRecord, deliver: Callable[[_stdlib.LogRecord], Any]) -> Any:
    """``deliver(record)`` with ``record`` marked in flight on this thread,
    so that a handler passing it on to the standard library does not bring
    it back through the bridge (nothing to mark while it is detached)."""
    if _installed is None:
        return deliver(record)
    in_flight = forwarding.in_flight
    forwarding.in_flight = (*in_flight, record)
    try:
        return deliver(record)
    finally:
        forwarding.in_flight = in_flight


def handled_there(record: _stdlib.LogRecord, handler: object) -> bool:
    """Whether ``handler`` already had ``record`` from the standard
    library's loggers (so femtologging's must not hand it over again)."""
    in_flight = forwarding.in_flight
    return bool(in_flight) and in_flight[-1] is record and handler in forwarding.had_it


def _stdlib_handlers_reached(name: str) -> frozenset[object]:
    """The handlers the standard library's loggers gave a record of
    ``name`` (stdlib's ``callHandlers`` walk)."""
    found: set[object] = set()
    logger: _stdlib.Logger | None = _stdlib.Logger.manager.loggerDict.get(name)  # type: ignore[assignment]
    if not isinstance(logger, _stdlib.Logger):
        logger = _stdlib.getLogger()
    while logger is not None:
        found.update(logger.handlers)
        logger = logger.parent if logger.propagate else None
    return frozenset(found)


_installed: BridgeHandler | None = None
_opted_out = os.environ.get("FEMTOLOGGING_BRIDGE", "").strip().lower() in {"0", "off", "no", "false"}
_held = 0


def install(level: int | None = None) -> BridgeHandler:
    """Attaches the bridge to the standard library's root logger (once) and
    gives the standard library's loggers femtologging's levels; ``level``
    sets the standard library's root level instead. Returns the handler."""
    global _installed, _opted_out
    _opted_out = False
    if _installed is None:
        _installed = BridgeHandler()
        _stdlib.getLogger().addHandler(_installed)
        _copy_levels()
    if level is not None:
        _stdlib.getLogger().setLevel(level)
    return _installed


def uninstall() -> None:
    """Detaches the bridge; configuring femtologging no longer attaches it
    (until ``install()``)."""
    global _installed, _opted_out
    _opted_out = True
    if _installed is not None:
        _stdlib.getLogger().removeHandler(_installed)
        _installed = None


def installed() -> bool:
    """Whether the standard library's records reach femtologging."""
    return _installed is not None


def configured() -> None:
    """Called when the program configures femtologging: attaches the bridge
    unless the program opted out."""
    if _installed is None and not _opted_out and not _held:
        install()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Configuration made inside does not attach the bridge (a tool's own
    handler, such as pytest's, is not the program configuring logging)."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1


def level_set(name: str, level: int) -> None:
    """Gives the standard library's logger ``name`` the level just set on
    femtologging's, while the bridge is attached."""
    if _installed is not None:
        _stdlib.getLogger(None if name == "root" else name).setLevel(level)


def disabled(level: int) -> None:
    """``femtologging.disable`` for the standard library's records too,
    while the bridge is attached."""
    if _installed is not None:
        _stdlib.disable(level)


def _copy_levels() -> None:
    """The levels set on femtologging's loggers so far, onto the standard
    library's loggers of the same names."""
    from ._logger import getLogger

    root = getLogger()
    for logger in [root, *root.manager.loggerDict.values()]:  # type: ignore[attr-defined]
        if logger.level:
            level_set(logger.name, logger.level)
    if root.manager.disable:  # type: ignore[attr-defined]
        _stdlib.disable(root.manager.disable)  # type: ignore[attr-defined]
