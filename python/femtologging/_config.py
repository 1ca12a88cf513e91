"""``basicConfig``, as in the standard library."""

from __future__ import annotations

import logging as _stdlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, overload

from ._formatter import Formatter
from ._handler import FileHandler, Handler, StreamHandler
from ._logger import root

BASIC_FORMAT = "%(levelname)s:%(name)s:%(message)s"
#: ``basicConfig``'s format when none is given, by ``style`` (stdlib's).
_DEFAULT_FORMATS = {"%": BASIC_FORMAT, "{": "{levelname}:{name}:{message}", "$": "${levelname}:${name}:${message}"}


if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# The three ways to call it, typed as typeshed types stdlib's: with
# handlers, with a file, or with a stream (the default, stderr).
_Style = Literal["%", "{", "$"]


@overload
def basicConfig(  # noqa: N802 (stdlib name)
    *,
    format: str = ...,  # noqa: A002 (stdlib's keyword)
    datefmt: str | None = ...,
    style: _Style = ...,
    level: int | str | None = ...,
    handlers: Iterable[Handler | _stdlib.Handler],
    force: bool | None = ...,
) -> None: ...
@overload
def basicConfig(  # noqa: N802
    *,
    filename: str | os.PathLike[str] | None,
    filemode: str = ...,
    format: str = ...,  # noqa: A002
    datefmt: str | None = ...,
    style: _Style = ...,
    level: int | str | None = ...,
    handlers: None = ...,
    force: bool | None = ...,
    encoding: str | None = ...,
    errors: str | None = ...,
) -> None: ...
@overload
def basicConfig(  # noqa: N802
    *,
    format: str = ...,  # noqa: A002
    datefmt: str | None = ...,
    style: _Style = ...,
    level: int | str | None = ...,
    stream: SupportsWrite[str] | None = ...,
    handlers: None = ...,
    force: bool | None = ...,
) -> None: ...
def basicConfig(**kwargs: Any) -> None:  # noqa: N802 (stdlib name)
    """Configures the root logger once (again with ``force=True``)."""
    force = kwargs.pop("force", False)
    if force:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
            handler.close()
    if root.handlers:
        return
    handlers: list[Handler] | None = kwargs.pop("handlers", None)
    stream = kwargs.pop("stream", None)
    filename = kwargs.pop("filename", None)
    if handlers is not None and (stream is not None or filename is not None):
        raise ValueError("'stream' or 'filename' should not be specified together with 'handlers'")
    if stream is not None and filename is not None:
        raise ValueError("'stream' and 'filename' should not be specified together")
    mode = kwargs.pop("filemode", "a")
    encoding = kwargs.pop("encoding", None)
    errors = kwargs.pop("errors", "backslashreplace")
    style = kwargs.pop("style", "%")
    if style not in _DEFAULT_FORMATS:
        raise ValueError(f"Style must be one of: {','.join(_DEFAULT_FORMATS)}")
    fmt = kwargs.pop("format", _DEFAULT_FORMATS[style])
    datefmt = kwargs.pop("datefmt", None)
    level = kwargs.pop("level", None)
    if handlers is None:
        if filename is not None:
            if "b" in mode:
                errors = None  # as stdlib: a binary file takes no errors policy
            handlers = [FileHandler(filename, mode, encoding=encoding, errors=errors)]
        else:
            handlers = [StreamHandler(stream)]
    formatter = Formatter(fmt, datefmt, style)
    for handler in handlers:
        if handler.formatter is None:
            handler.setFormatter(formatter)
        root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    # As in stdlib, unknown arguments are reported after the handlers are in place.
    if kwargs:
        raise ValueError(f"Unrecognised argument(s): {', '.join(kwargs)}")
