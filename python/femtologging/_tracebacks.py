"""Exception text for records, as stdlib's ``Formatter.formatException``
writes it, remembered per exception site.

Formatting a traceback is most of the cost of ``logger.exception``: Python
reads the source lines and, since 3.11, parses them to place the ``^^^``
markers. The text depends only on where the exception passed (each frame's
code object and instruction), its type, message and notes, and the same for
its cause and context, so a service failing the same way again gets the
text it got last time. The cache holds the code objects it keys on (so
their addresses cannot be reused) and is bounded.
"""

from __future__ import annotations

import builtins
import traceback
from types import TracebackType
from typing import Any

#: Entries kept before the cache starts over.
MAX_ENTRIES = 512

#: How deep a chain of causes and contexts is keyed; deeper is not cached.
_MAX_CHAIN = 8

_cache: dict[tuple[Any, ...], str] = {}

#: Exception groups print nested tracebacks: not keyed (3.11+ only).
_GROUPS: tuple[type, ...] = tuple(filter(None, [getattr(builtins, "BaseExceptionGroup", None)]))


def exception_text(exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> str:
    """The traceback text of an exception without its final newline, as
    ``Formatter.formatException`` returns it."""
    if exc_type is None:
        return "NoneType: None"
    key = _key(exc_type, exc, tb, set())
    if key is not None:
        text = _cache.get(key)
        if text is not None:
            return text
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    if text.endswith("\n"):
        text = text[:-1]
    if key is not None:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = text
    return text


def _key(
    exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None, seen: set[int]
) -> tuple[Any, ...] | None:
    """What the formatted text depends on, or None when not worth keying
    (exception groups, long or cyclic chains, a failing ``str``)."""
    if exc is None or isinstance(exc, _GROUPS) or len(seen) >= _MAX_CHAIN or id(exc) in seen:
        return None
    seen.add(id(exc))
    sites = []
    while tb is not None:
        sites.append((tb.tb_frame.f_code, tb.tb_lasti))
        tb = tb.tb_next
    try:
        message = str(exc)
    except Exception:
        return None
    notes = getattr(exc, "__notes__", None)
    if notes is not None and not isinstance(notes, (list, tuple)):
        return None
    linked: list[tuple[Any, ...] | None] = []
    for other in (exc.__cause__, None if exc.__suppress_context__ else exc.__context__):
        if other is None:
            linked.append(None)
            continue
        other_key = _key(type(other), other, other.__traceback__, seen)
        if other_key is None:
            return None
        linked.append(other_key)
    notes_key = tuple(map(str, notes)) if notes is not None else None
    return (exc_type, message, notes_key, tuple(sites), *linked)
