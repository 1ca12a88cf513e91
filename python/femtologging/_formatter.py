"""``Formatter``: stdlib's, plus a copy compiled by the engine.

Handlers written in Python (and any code calling ``formatter.format(record)``)
get the standard library's own implementation; femtologging's handlers use
the compiled copy on their worker threads.
"""

from __future__ import annotations

import logging as _stdlib

from ._backend import engine

_STYLE_CODES = {"%": 0, "{": 1, "$": 2}


class Formatter(_stdlib.Formatter):
    """stdlib ``logging.Formatter``: ``%``, ``{`` or ``$`` style, with ``datefmt``."""

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: str = "%",
        validate: bool = True,
    ) -> None:
        super().__init__(fmt, datefmt, style, validate)  # type: ignore[arg-type]
        self._handle = engine.formatter_new(_STYLE_CODES[style], self._fmt or "", datefmt)

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            engine.formatter_free(handle)
            self._handle = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._fmt!r}>"
