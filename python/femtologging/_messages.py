"""A message that cannot be built (``msg % args`` fails) is reported the way
stdlib's ``Handler.handleError`` reports it: "--- Logging error ---", the
exception, the call stack, the message and its arguments, on ``sys.stderr``,
unless ``femtologging.raiseExceptions`` is false. stdlib finds out when a
handler formats the record; femtologging builds the message in the logging
call, and reports it there instead of raising into the caller.

Imports nothing from the package: the native extension looks this up while
it initialises.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import TextIO


def _error_stream(error: BaseException) -> TextIO | None:
    """``sys.stderr`` with "--- Logging error ---" and the traceback of
    ``error`` written to it, or None when ``raiseExceptions`` is false (or
    there is no stderr), as stdlib's ``Handler.handleError`` decides."""
    package = sys.modules.get(__package__ or "femtologging")
    stream = sys.stderr
    if not getattr(package, "raiseExceptions", True) or stream is None:
        return None
    stream.write("--- Logging error ---\n")
    traceback.print_exception(type(error), error, error.__traceback__, file=stream)
    return stream


def report_bad_message(error: BaseException, msg: object, args: tuple[object, ...]) -> None:
    try:
        stream = _error_stream(error)
        if stream is None:
            return
        stream.write("Call stack:\n")
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            frame = frame.f_back
        traceback.print_stack(frame, file=stream)
        try:
            stream.write("Message: %r\nArguments: %s\n" % (msg, args))  # noqa: UP031 (stdlib's text)
        except RecursionError:
            raise
        except Exception:
            stream.write(
                "Unable to print the message and arguments - possible formatting error.\n"
                "Use the traceback above to help find the error.\n"
            )
    except OSError:
        pass  # stdlib ignores a broken stderr too


def report_sink_error(error: BaseException) -> None:
    """A Python stream or handler the engine wrote a batch to raised: as
    stdlib's ``Handler.handleError``, "--- Logging error ---" and the
    traceback on ``sys.stderr``, unless ``femtologging.raiseExceptions`` is
    false. The engine counts the failure (``handler_stats``)."""
    try:
        _error_stream(error)
    except OSError:
        pass


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
