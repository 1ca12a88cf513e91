"""``logging.handlers`` for femtologging: the queue and buffering handlers.

``QueueHandler``, ``BufferingHandler`` and ``MemoryHandler`` are Python
handlers (their ``emit`` runs on the handler's worker thread) with the
standard library's behaviour; ``QueueListener`` is the standard library's
own, and any femtologging handler can be its target (``handle(record)``
hands the record to the handler's queue).

femtologging's handlers already queue every record and write on their own
threads, so a ``QueueHandler`` in front of them buys nothing; these exist so
that code written for ``logging.handlers`` keeps working.
"""

from __future__ import annotations

import logging as _stdlib
import logging.handlers as _stdlib_handlers
import queue
from typing import Any

from ._handlers import Handler
from ._levels import ERROR

QueueListener = _stdlib_handlers.QueueListener

__all__ = ["BufferingHandler", "MemoryHandler", "QueueHandler", "QueueListener"]


class QueueHandler(Handler):
    """stdlib ``QueueHandler``: puts each record, prepared (message merged,
    exception text kept), on ``queue`` for a ``QueueListener``."""

    def __init__(self, queue: queue.Queue[Any] | Any) -> None:
        super().__init__()
        self.queue = queue

    def enqueue(self, record: _stdlib.LogRecord) -> None:
        self.queue.put_nowait(record)

    def prepare(self, record: _stdlib.LogRecord) -> _stdlib.LogRecord:
        """stdlib's ``prepare``: merges the message, arguments and exception
        text into ``msg``. The record is this handler's own copy (made on
        its worker thread), so unlike stdlib it is changed in place."""
        message = self.format(record)
        record.message = message
        record.msg = message
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return record

    def format(self, record: _stdlib.LogRecord) -> str:
        if self.formatter is not None:
            return self.formatter.format(record)
        # The default "%(message)s" of a record whose message is final.
        message = str(record.msg)
        for text in (record.exc_text, record.stack_info):
            if text:
                message = f"{message}\n{text}"
        return message

    def emit(self, record: _stdlib.LogRecord) -> None:
        try:
            self.enqueue(self.prepare(record))  # type: ignore[arg-type]
        except Exception:
            self.handleError(record)


class BufferingHandler(Handler):
    """stdlib ``BufferingHandler``: keeps records in ``buffer`` until
    ``shouldFlush`` says so; subclasses decide what flushing means."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity
        self.buffer: list[_stdlib.LogRecord] = []

    def shouldFlush(self, record: _stdlib.LogRecord) -> bool:  # noqa: N802, ARG002 (stdlib's signature)
        return len(self.buffer) >= self.capacity

    def emit(self, record: _stdlib.LogRecord) -> None:
        self.buffer.append(record)
        if self.shouldFlush(record):
            self.flush()

    def flush(self) -> None:
        """Waits for queued records to reach the buffer (unless called from
        ``emit``), then empties it; subclasses send it somewhere first."""
        super().flush()
        with self.lock:
            self.buffer.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            super().close()


class MemoryHandler(BufferingHandler):
    """stdlib ``MemoryHandler``: buffers records and hands them to
    ``target`` when the buffer is full, a record at ``flushLevel`` or above
    arrives, or on ``flush()``/``close()`` (unless ``flushOnClose`` is false)."""

    def __init__(
        self,
        capacity: int,
        flushLevel: int = ERROR,  # noqa: N803 (stdlib names)
        target: _stdlib.Handler | Handler | None = None,
        flushOnClose: bool = True,  # noqa: N803
    ) -> None:
        super().__init__(capacity)
        self.flushLevel = flushLevel
        self.target = target
        self.flushOnClose = flushOnClose

    def shouldFlush(self, record: _stdlib.LogRecord) -> bool:  # noqa: N802
        return len(self.buffer) >= self.capacity or record.levelno >= self.flushLevel

    def setTarget(self, target: _stdlib.Handler | Handler | None) -> None:  # noqa: N802
        with self.lock:
            self.target = target

    def flush(self) -> None:
        """Hands the buffered records to ``target`` (after waiting for the
        queued ones, unless called from ``emit``)."""
        Handler.flush(self)
        with self.lock:
            if self.target is not None:
                for record in self.buffer:
                    self.target.handle(record)  # type: ignore[arg-type]
                self.buffer.clear()

    def close(self) -> None:
        try:
            if self.flushOnClose:
                self.flush()
        finally:
            with self.lock:
                self.target = None
            Handler.close(self)
