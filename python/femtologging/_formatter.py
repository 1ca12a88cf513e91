"""``Formatter``: a format string compiled once by the engine."""

from __future__ import annotations

from ._backend import engine

_STYLES = {"%": (0, "%(message)s"), "{": (1, "{message}"), "$": (2, "${message}")}


class Formatter:
    """stdlib ``logging.Formatter``: ``%``, ``{`` or ``$`` style, with ``datefmt``.

    The format is compiled by the engine and applied on the handler's worker
    thread. A malformed format raises ``ValueError`` here, as in stdlib.
    """

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: str = "%",
        validate: bool = True,  # noqa: ARG002 (the engine always validates)
    ) -> None:
        if style not in _STYLES:
            raise ValueError(f"Style must be one of: {','.join(_STYLES)}")
        code, default = _STYLES[style]
        self._fmt = fmt if fmt is not None else default
        self.datefmt = datefmt
        self._style_name = style
        self._handle = engine.formatter_new(code, self._fmt, datefmt)

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            engine.formatter_free(handle)
            self._handle = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._fmt!r}>"
