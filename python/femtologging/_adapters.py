"""``LoggerAdapter`` and ``captureWarnings``, with stdlib semantics."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, MutableMapping
from typing import Any, Generic, TypeVar

from ._levels import CRITICAL, DEBUG, ERROR, INFO, WARNING
from ._logger import Logger, getLogger

#: What an adapter wraps (typeshed's bound): a logger or another adapter.
_L = TypeVar("_L", bound="Logger | LoggerAdapter[Any]")


class LoggerAdapter(Generic[_L]):
    """stdlib ``logging.LoggerAdapter``: adds ``extra`` to every call;
    generic in what it wraps (``LoggerAdapter[Logger]``), as in typeshed."""

    def __init__(self, logger: _L, extra: Mapping[str, object] | None = None) -> None:
        self.logger = logger
        self.extra = extra

    def process(self, msg: object, kwargs: MutableMapping[str, Any]) -> tuple[object, MutableMapping[str, Any]]:
        kwargs["extra"] = self.extra
        return msg, kwargs

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            msg, kwargs = self.process(msg, kwargs)
            self.logger.log(level, msg, *args, **kwargs)

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.log(DEBUG, msg, *args, **kwargs)

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.log(INFO, msg, *args, **kwargs)

    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.log(WARNING, msg, *args, **kwargs)

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.log(ERROR, msg, *args, **kwargs)

    def exception(self, msg: object, *args: object, exc_info: object = True, **kwargs: Any) -> None:
        self.log(ERROR, msg, *args, exc_info=exc_info, **kwargs)

    def critical(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.log(CRITICAL, msg, *args, **kwargs)

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 (stdlib name)
        return self.logger.isEnabledFor(level)

    def setLevel(self, level: int | str) -> None:  # noqa: N802
        self.logger.setLevel(level)

    def getEffectiveLevel(self) -> int:  # noqa: N802
        return self.logger.getEffectiveLevel()

    def hasHandlers(self) -> bool:  # noqa: N802
        return self.logger.hasHandlers()

    @property
    def manager(self) -> Any:
        return self.logger.manager

    @manager.setter
    def manager(self, value: Any) -> None:
        self.logger.manager = value

    @property
    def name(self) -> str:
        return self.logger.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.logger.name}>"


_original_showwarning: Any = None


def _showwarning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    if file is not None:
        if _original_showwarning is not None:
            _original_showwarning(message, category, filename, lineno, file, line)
        return
    text = warnings.formatwarning(message, category, filename, lineno, line)
    logger = getLogger("py.warnings")
    if not logger.handlers:
        from ._handler import NullHandler

        logger.addHandler(NullHandler())
    logger.warning("%s", text)


def captureWarnings(capture: bool) -> None:  # noqa: N802 (stdlib name)
    """Routes ``warnings`` to the logger ``py.warnings`` (or stops doing so)."""
    global _original_showwarning
    if capture:
        if _original_showwarning is None:
            _original_showwarning = warnings.showwarning
            warnings.showwarning = _showwarning
    elif _original_showwarning is not None:
        warnings.showwarning = _original_showwarning
        _original_showwarning = None
