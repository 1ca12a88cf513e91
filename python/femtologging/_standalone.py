"""Loggers made with ``Logger(name, level)``, as the standard library
allows: outside the registry (``getLogger`` never returns one), with no
parent, their level, handlers, ``propagate`` and ``disabled`` their own.

The engine's loggers are the registry's, so such a logger has no engine
logger: its calls run the standard library's algorithm in Python
(``findCaller``, ``makeRecord``, ``handle``, ``callHandlers`` over its own
handlers, then ``lastResort``). The handlers it calls are the same objects
as everywhere: a file handler still writes on its worker.
"""

from __future__ import annotations

import pickle
from typing import Any

from ._levels import NOTSET, check_level
from ._logger import ExcInfo, Logger, _exc_tuple, found_no_handler


class StandaloneLogger(Logger):
    """What ``Logger(name)`` makes (a subclass of the class called)."""

    def _init_standalone(self, name: str, level: int | str) -> None:
        import logging as _stdlib

        _stdlib.Filterer.__init__(self)
        self.name = name
        self._own_level = check_level(level)
        self._standalone_handlers: list[Any] = []  # type: ignore[assignment]
        self._own_propagate = True
        self._own_disabled = False
        self._caller_side_handlers = ()

    # ---- state: the logger's own --------------------------------------

    @property
    def level(self) -> int:
        return self._own_level

    def setLevel(self, level: int | str) -> None:  # noqa: N802 (stdlib name)
        self._own_level = check_level(level)

    def getEffectiveLevel(self) -> int:  # noqa: N802
        return self._own_level  # no parent to inherit from

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802
        if self._own_disabled or self.manager.disable >= level:  # type: ignore[attr-defined]
            return False
        return level >= self._own_level

    @property
    def disabled(self) -> bool:
        return self._own_disabled

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self._own_disabled = bool(value)

    @property
    def propagate(self) -> bool:
        return self._own_propagate

    @propagate.setter
    def propagate(self, value: bool) -> None:
        self._own_propagate = bool(value)  # no parent to propagate to

    @property
    def handlers(self) -> list[Any]:
        return self._standalone_handlers

    @handlers.setter
    def handlers(self, value: list[Any]) -> None:
        self._standalone_handlers = list(value)

    @property
    def parent(self) -> Logger | None:
        return None

    def addHandler(self, hdlr: Any) -> None:  # noqa: N802
        if hdlr not in self._standalone_handlers:
            self._standalone_handlers.append(hdlr)

    def removeHandler(self, hdlr: Any) -> None:  # noqa: N802
        if hdlr in self._standalone_handlers:
            self._standalone_handlers.remove(hdlr)

    def hasHandlers(self) -> bool:  # noqa: N802
        return bool(self._standalone_handlers)

    def _python_path_changed(self) -> None:
        pass  # every call takes the Python path already

    # ---- a call: stdlib's algorithm --------------------------------------

    def _log(
        self,
        level: int,
        msg: object,
        args: tuple[object, ...],
        exc_info: ExcInfo = None,
        extra: Any = None,
        stack_info: bool = False,
        stacklevel: int = 1,
    ) -> None:
        pathname, lineno, func, stack = self.findCaller(stack_info, stacklevel)
        record = self.makeRecord(
            self.name, level, pathname, lineno, msg, args, _exc_tuple(exc_info), func, extra, stack
        )
        self.handle(record)

    def callHandlers(self, record: Any) -> None:  # noqa: N802 (stdlib name)
        """Each of the logger's handlers whose level the record meets; with
        none at all, ``lastResort`` (or stdlib's one-time notice)."""
        for handler in self._standalone_handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
        if not self._standalone_handlers:
            found_no_handler(record, self.manager)

    def __reduce__(self) -> Any:
        raise pickle.PicklingError("logger cannot be pickled")  # as stdlib: not in the registry

    def __repr__(self) -> str:
        from ._levels import getLevelName

        cls = "Logger" if type(self) is StandaloneLogger else type(self).__name__  # the class called
        return f"<{cls} {self.name} ({getLevelName(self.getEffectiveLevel())})>"


_classes: dict[type[Logger], type[Logger]] = {Logger: StandaloneLogger}


def standalone_class(cls: type[Logger]) -> type[Logger]:
    """``cls``'s standalone form: ``cls``'s own methods first, then the
    standalone state, then ``Logger``'s."""
    found = _classes.get(cls)
    if found is None:
        found = _classes[cls] = type(cls.__name__, (cls, StandaloneLogger), {"__module__": cls.__module__})
    return found


def is_level(value: object) -> bool:
    """Whether ``Logger(name, value)`` asks for a standalone logger (stdlib's
    level argument), not an engine handle from ``getLogger``."""
    return value is NOTSET or isinstance(value, (int, str))
