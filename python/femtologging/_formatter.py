"""``Formatter``: stdlib's, plus a copy compiled by the engine.

Handlers written in Python (and any code calling ``formatter.format(record)``)
get the standard library's own implementation; femtologging's handlers use
the compiled copy on their worker threads. When the compiled copy could not
match what Python would print (a subclass with its own ``format()``, a
changed ``converter``, ``defaults``), handlers call the Python methods on
their worker thread instead.
"""

from __future__ import annotations

import logging as _stdlib
import math
import re
import time
import types
from typing import Any

from . import _records  # noqa: F401 (sets up the native LogRecord that formatters render)
from ._backend import engine
from ._errors import FemtoValueError
from ._tracebacks import exception_text

_STYLE_CODES = {"%": 0, "{": 1, "$": 2}

#: A JSON value as the engine writes it (UTF-8 kept, not escaped).

#: Methods whose override means only Python knows the output.
_PYTHON_METHODS = ("format", "formatMessage", "formatTime", "formatException", "formatStack", "usesTime")

#: Methods whose override the native rendering of ``format`` would skip.
_RENDERING_METHODS = ("formatMessage", "usesTime")


class Formatter(_stdlib.Formatter):
    """stdlib ``logging.Formatter``: ``%``, ``{`` or ``$`` style, with ``datefmt``."""

    #: The format compiled for native records (``RecordTemplate``), or None.
    _template: Any = None

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        style: str = "%",
        validate: bool = True,
        *,
        defaults: dict[str, Any] | None = None,
        escape_controls: bool = False,
    ) -> None:
        """stdlib's parameters, and ``escape_controls``: write control
        characters in the record's values (the message, names, ``extra``)
        as escapes (``\\n``, ``\\r``, ``\\x1b``, ``\\u0085``), so that
        a message cannot forge a log line or drive a terminal. The format's
        own text and exception and stack text are written as they are."""
        super().__init__(fmt, datefmt, style, validate, defaults=defaults)  # type: ignore[arg-type]
        self._handle: object = None
        self._second_text: tuple[tuple[Any, ...], str] | None = None
        self._style_code = _STYLE_CODES[style]
        self._escape_controls = escape_controls
        self._attach_engine()

    def _attach_engine(self) -> None:
        """Makes this formatter's own engine formatter (and template)."""
        if self._style._defaults:  # type: ignore[attr-defined]
            return  # defaults for missing fields: rendered in Python
        if not self._escape_controls:
            self._template = _compile_template(self)  # the escaping one renders in Python
        try:
            self._handle = engine.formatter_new(
                self._style_code, self._fmt or "", self.datefmt, escape_controls=self._escape_controls
            )
        except FemtoValueError:
            pass  # a format stdlib accepts but the engine does not compile: rendered in Python

    def formatMessage(self, record: _stdlib.LogRecord) -> str:  # noqa: N802 (stdlib name)
        if not getattr(self, "_escape_controls", False):
            return self._style.format(record)
        values = {
            key: escape_controls(value) if isinstance(value, str) else value for key, value in vars(record).items()
        }
        return self._style.format(types.SimpleNamespace(**values))  # type: ignore[arg-type]

    def __getstate__(self) -> dict[str, Any]:
        # copy, deepcopy and pickle: the engine formatter is this object's
        # own; a copy makes its own in __setstate__.
        state = self.__dict__.copy()
        state.pop("_handle", None)
        state.pop("_template", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._handle = None
        self._attach_engine()

    def format(self, record: _stdlib.LogRecord) -> str:
        """stdlib's ``format``; a native record with a plain ``%``-style
        format is rendered in one native call (same text)."""
        template = self._template
        if template is not None:
            text = template(self, record)
            if text is not None:
                return text  # type: ignore[no-any-return]
        return super().format(record)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (stdlib name)
        """stdlib's text for the exception, remembered per exception site
        (``_tracebacks``): the same failure again costs a lookup."""
        return exception_text(*ei)

    def formatTime(self, record: _stdlib.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (stdlib name)
        """stdlib's ``formatTime``, remembering the text of the last second:
        records of the same second cost a comparison instead of a
        ``localtime`` and a ``strftime`` (the text can only change with the
        second, the converter or the format)."""
        created = record.created
        pattern = datefmt or self.default_time_format
        key = (math.floor(created), pattern, self.converter)
        last = getattr(self, "_second_text", None)
        if last is not None and last[0] == key:
            text = last[1]
        else:
            text = time.strftime(pattern, self.converter(created))
            self._second_text = (key, text)
        if datefmt or not self.default_msec_format:
            return text
        return self.default_msec_format % (text, record.msecs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._fmt!r}>"


if hasattr(engine, "install_format_method"):
    # The same ``format``, native: no Python frame between the caller and
    # the compiled template (the native backend only).
    engine.install_format_method(Formatter, _stdlib.Formatter.format)


class JsonFormatter(Formatter):
    """One JSON object per record, written by the engine: ``asctime``,
    ``created``, ``levelname``, ``levelno``, ``name``, ``message``,
    ``process``, ``thread``, ``threadName``, the source location, then
    ``exc_info`` and ``stack_info`` when present, then the record's
    ``extra`` values. ``utc`` renders ``asctime`` in UTC. ``format(record)``
    asks the engine too, so Python code gets the handlers' text exactly."""

    def __init__(
        self,
        fmt: str | None = None,  # noqa: ARG002 (stdlib's dictConfig passes a class these)
        datefmt: str | None = None,
        style: str = "%",  # noqa: ARG002
        validate: bool = True,  # noqa: ARG002
        *,
        utc: bool = False,
    ) -> None:
        _stdlib.Formatter.__init__(self, None, datefmt)
        self._handle = None
        self._utc = utc
        self._attach_engine()

    def _attach_engine(self) -> None:
        self._handle = engine.formatter_new_json(self.datefmt, self._utc)

    def format(self, record: _stdlib.LogRecord) -> str:
        """The engine's JSON line for ``record``: the text its handlers
        write, ``extra`` included."""
        from ._handler import _logger_handle, engine_fields

        record.message = record.getMessage()
        return engine.formatter_format(self._handle, _logger_handle(record.name), *engine_fields(record))  # type: ignore[no-any-return]


#: A field a format names, per style.
_FIELDS = {
    _stdlib.PercentStyle: re.compile(r"%\((\w+)\)"),
    _stdlib.StrFormatStyle: re.compile(r"(?<!\{)\{(\w+)"),
    _stdlib.StringTemplateStyle: re.compile(r"\$\{?(\w+)"),
}


def record_fields(formatter: _stdlib.Formatter) -> set[str]:
    """The record attributes ``formatter``'s format names."""
    fields = _FIELDS.get(type(formatter._style), _FIELDS[_stdlib.PercentStyle])
    return set(fields.findall(formatter._fmt or ""))


_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with control characters (C0 but the tab, DEL, C1) written
    as escapes, as the engine writes them for ``escape_controls``."""
    return _CONTROLS.sub(_escaped, text)


def _compile_template(formatter: Formatter) -> Any:
    """The native rendering of ``formatter``'s format, when it prints
    exactly what stdlib's ``format`` would (native backend, ``%`` style,
    ``formatMessage``/``usesTime`` not overridden); else None."""
    compile_template = getattr(engine, "RecordTemplate", None)
    if compile_template is None or type(formatter._style) is not _stdlib.PercentStyle:
        return None
    cls = type(formatter)
    if any(getattr(cls, name) is not getattr(Formatter, name) for name in _RENDERING_METHODS):
        return None
    return compile_template.compile(formatter._style._fmt)


def needs_python(formatter: _stdlib.Formatter | None) -> bool:
    """Whether ``formatter`` must run in Python to print what stdlib would."""
    if formatter is None:
        return False
    if not isinstance(formatter, Formatter) or not formatter._handle:
        return True
    cls = type(formatter)
    base = JsonFormatter if isinstance(formatter, JsonFormatter) else Formatter
    if any(getattr(cls, name) is not getattr(base, name) for name in _PYTHON_METHODS):
        return True
    return (
        formatter.converter is not time.localtime
        or formatter.default_time_format != _stdlib.Formatter.default_time_format
        or formatter.default_msec_format != _stdlib.Formatter.default_msec_format
        or type(formatter._style) not in (_stdlib.PercentStyle, _stdlib.StrFormatStyle, _stdlib.StringTemplateStyle)
    )
