"""Level numbers and names, as in the standard library's ``logging``."""

from __future__ import annotations

import logging as _stdlib
from typing import Any, overload

from ._backend import engine

CRITICAL = 50
FATAL = CRITICAL
ERROR = 40
WARNING = 30
WARN = WARNING
INFO = 20
DEBUG = 10
TRACE = 5
NOTSET = 0

_level_to_name: dict[int, str] = {
    CRITICAL: "CRITICAL",
    ERROR: "ERROR",
    WARNING: "WARNING",
    INFO: "INFO",
    DEBUG: "DEBUG",
    TRACE: "TRACE",
    NOTSET: "NOTSET",
}
_name_to_level: dict[str, int] = {
    "CRITICAL": CRITICAL,
    "FATAL": FATAL,
    "ERROR": ERROR,
    "WARN": WARNING,
    "WARNING": WARNING,
    "INFO": INFO,
    "DEBUG": DEBUG,
    "TRACE": TRACE,
    "NOTSET": NOTSET,
}


def addLevelName(level: int, levelName: str) -> None:  # noqa: N802, N803 (stdlib names)
    """Associates ``levelName`` with ``level`` (also in native formatters,
    and in the standard library's table: its ``LogRecord``, the record of
    the cffi backend and of libraries, names levels from there)."""
    engine.add_level_name(level, levelName)
    _level_to_name[level] = levelName
    _name_to_level[levelName] = level
    _stdlib.addLevelName(level, levelName)


@overload
def getLevelName(level: int) -> str: ...  # noqa: N802
@overload
def getLevelName(level: str) -> Any: ...  # noqa: N802 (typeshed: an int for a known name, else a str)
def getLevelName(level: int | str) -> int | str:  # noqa: N802
    """stdlib semantics: a name for a number, a number for a name, else ``"Level %s"``."""
    if isinstance(level, int) and level in _level_to_name:
        return _level_to_name[level]
    if isinstance(level, str) and level in _name_to_level:
        return _name_to_level[level]
    return f"Level {level}"


def getLevelNamesMapping() -> dict[str, int]:  # noqa: N802
    return dict(_name_to_level)


def check_level(level: int | str) -> int:
    """A level number from a number or a registered name (``ValueError``/``TypeError`` otherwise)."""
    if isinstance(level, bool) or not isinstance(level, (int, str)):
        raise TypeError(f"Level not an integer or a valid string: {level!r}")
    if isinstance(level, int):
        if level < 0:
            raise ValueError(f"Level must not be negative: {level}")
        return level
    if level not in _name_to_level:
        raise ValueError(f"Unknown level: {level!r}")
    return _name_to_level[level]
