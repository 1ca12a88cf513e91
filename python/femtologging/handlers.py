"""``logging.handlers`` for femtologging: the rotating file handler (written
by the engine: the size check and the renames happen on the worker thread)
and the queue and buffering handlers.

``QueueHandler``, ``BufferingHandler`` and ``MemoryHandler`` are Python
handlers with the standard library's behaviour. As in the standard library,
Python callers' records reach them on the thread that logs (putting a record
on a queue or in a buffer is what they are for); records from C and Rust
callers reach them on their worker thread. ``QueueListener`` is the standard
library's, draining the queue in batches, and any handler can be its target
(a femtologging handler's ``handle(record)`` hands the record to its queue).

femtologging's handlers already queue every record and write on their own
threads, so a ``QueueHandler`` in front of them buys nothing; these exist so
that code written for ``logging.handlers`` keeps working.
"""

from __future__ import annotations

import copy
import json
import logging as _stdlib
import logging.handlers as _stdlib_handlers
import math
import os
import queue
import time
from collections.abc import Callable
from typing import Any

from ._backend import engine
from ._formatter import needs_python, record_fields
from ._handler import (
    _ENGINE_DEFAULT,
    DRAIN_TIMEOUT_MS,
    RECORD_ATTRIBUTES,
    FileHandler,
    Handler,
    engine_writes,
    forward_records,
    takes_native_batches,
)
from ._http import FemtoHTTPHandler, HTTPHandler
from ._levels import ERROR
from ._smtp import SMTPHandler
from ._socket import DatagramHandler, FemtoSocketHandler, FemtoSysLogHandler, SocketHandler, SysLogHandler

__all__ = [
    "BufferingHandler",
    "DatagramHandler",
    "FemtoHTTPHandler",
    "FemtoRotatingFileHandler",
    "FemtoSocketHandler",
    "FemtoSysLogHandler",
    "FemtoTimedRotatingFileHandler",
    "FemtoWatchedFileHandler",
    "HTTPHandler",
    "MemoryHandler",
    "QueueHandler",
    "QueueListener",
    "RotatingFileHandler",
    "SMTPHandler",
    "SocketHandler",
    "SysLogHandler",
    "TimedRotatingFileHandler",
    "WatchedFileHandler",
]


#: stdlib's hooks of a rotating handler. With either set (as an attribute
#: or a method of a subclass), the standard library's own handler writes and
#: rotates the file, calling them, on the thread that logs.
_HOOKS = ("namer", "rotator")


def _hooked(handler: object) -> bool:
    return any(getattr(handler, hook, None) is not None for hook in _HOOKS)


class _RotatingBase(FileHandler):
    """What the size and time rotating handlers share, stdlib's ``namer``
    and ``rotator`` hooks among them."""

    namer: Callable[[str], str] | None = None
    rotator: Callable[[str, str], None] | None = None

    def _stdlib_twin(self) -> _stdlib_handlers.BaseRotatingHandler:
        """The standard library's handler with this one's settings."""
        raise NotImplementedError

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _HOOKS and "_handle" in self.__dict__:  # set after construction
            if self._inner is None and value is not None:
                self._hand_over_to_stdlib()
            self._share_hooks()

    def __getattr__(self, name: str) -> Any:
        """What only the standard library's handler has (``rolloverAt``,
        ``computeRollover`` ...), once it writes the file."""
        inner = self.__dict__.get("_inner")
        if inner is None or name.startswith("__"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(inner, name)

    def _share_hooks(self) -> None:
        if self._inner is not None:
            self._inner.namer = self.namer  # type: ignore[attr-defined]
            self._inner.rotator = self.rotator  # type: ignore[attr-defined]

    def _hand_over_to_stdlib(self) -> None:
        """A hook set on a handler the engine writes: the engine writes what
        it holds and lets the file go, then the standard library's handler
        takes over, attached wherever this one is. Callers wait meanwhile."""
        from ._logger import replace_engine_handler  # late: _logger imports this module

        with self.lock:
            old = self._handle
            self._inner = self._stdlib_twin()
            self._worker_runs_python = True
            self._caller_side = True
            self._handle = engine.callback_handler_new(self._emit_batch, None, self._level, caller_side=True)
            replace_engine_handler(old, self)
            engine.handler_close(old, DRAIN_TIMEOUT_MS)

    def doRollover(self) -> None:  # noqa: N802 (stdlib name)
        """Rolls over now, after the records logged so far; returns once done."""
        if isinstance(self._inner, _stdlib_handlers.BaseRotatingHandler):
            self.flush()
            with self.lock:
                self._inner.doRollover()
        elif self._handle:
            engine.handler_roll_over(self._handle)
            self.flush()


class RotatingFileHandler(_RotatingBase):
    """stdlib ``RotatingFileHandler``: before a record would take the file
    past ``maxBytes`` (UTF-8 bytes, line end included), ``app.log.N`` become
    ``app.log.N+1`` (highest first; beyond ``backupCount`` removed),
    ``app.log`` becomes ``app.log.1`` and a fresh ``app.log`` is started, on
    the worker thread. ``maxBytes=0`` never rotates; ``backupCount=0``
    empties the file at each rollover. A record larger than ``maxBytes`` is
    written whole into a fresh file.

    Other encodings and ``errors`` policies, and a ``namer`` or ``rotator``
    hook (set as an attribute, even on a handler in use, or defined by a
    subclass), hand the file to the standard library's
    ``RotatingFileHandler``: it writes and rotates, calling the hooks, on the
    thread that logs, by its rules.
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        mode: str = "a",
        maxBytes: int = 0,  # noqa: N803 (stdlib names)
        backupCount: int = 0,  # noqa: N803
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
        *,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        if maxBytes < 0 or backupCount < 0:
            raise ValueError("maxBytes and backupCount must not be negative")
        if not engine_writes(mode, encoding, errors) or _hooked(self):
            self._inner = _stdlib_handlers.RotatingFileHandler(
                filename, mode, maxBytes, backupCount, encoding, delay, errors
            )
        self._max_bytes = maxBytes
        self._backup_count = backupCount
        if maxBytes > 0:
            mode = "a"  # as stdlib: rotation never starts by emptying the file
        super().__init__(
            filename, mode, encoding, delay, errors, capacity=capacity, overflow=overflow, timeout_ms=timeout_ms
        )
        self._share_hooks()

    def _stdlib_twin(self) -> _stdlib_handlers.BaseRotatingHandler:
        return _stdlib_handlers.RotatingFileHandler(
            self.baseFilename, "a", self._max_bytes, self._backup_count, self.encoding, False, self.errors
        )

    def _description(self, delay: bool) -> dict[str, object]:
        return {
            "class": "rotating_file",
            "path": self.baseFilename,
            "mode": self.mode,
            "delay": delay,
            "max_bytes": self._max_bytes,
            "backup_count": self._backup_count,
        }

    @property
    def maxBytes(self) -> int:  # noqa: N802 (stdlib name)
        return self._max_bytes

    @maxBytes.setter
    def maxBytes(self, value: int) -> None:  # noqa: N802
        self._max_bytes = value
        self._apply_rotation()

    @property
    def backupCount(self) -> int:  # noqa: N802 (stdlib name)
        """Backups kept; lowering it prunes the excess at the next rollover."""
        return self._backup_count

    @backupCount.setter
    def backupCount(self, value: int) -> None:  # noqa: N802
        self._backup_count = value
        self._apply_rotation()

    def _apply_rotation(self) -> None:
        if isinstance(self._inner, _stdlib_handlers.RotatingFileHandler):
            self._inner.maxBytes, self._inner.backupCount = self._max_bytes, self._backup_count
        elif self._handle:
            engine.handler_set_rotation(self._handle, self._max_bytes, self._backup_count)

    def shouldRollover(self, record: _stdlib.LogRecord) -> bool:  # noqa: N802 (stdlib name)
        """Whether ``record`` would roll the file over now (the worker
        decides for real, when it writes the record)."""
        if isinstance(self._inner, _stdlib_handlers.RotatingFileHandler):
            return bool(self._inner.shouldRollover(record))
        if self._max_bytes <= 0 or self._handle is None:
            return False
        try:
            size = os.path.getsize(self.baseFilename)
        except OSError:
            return False
        line = (self.format(record) + self.terminator).encode("utf-8", "backslashreplace")
        return engine.handler_rollover_due(self._handle, size, len(line))


class WatchedFileHandler(FileHandler):
    """stdlib ``WatchedFileHandler``: when the file is moved or removed (by
    logrotate, say), the next records go to a new file at the same path.
    The worker checks the path once per batch of records, before writing.
    Other encodings are written by the standard library's handler, on the
    thread that logs."""

    _watch = True
    _stdlib_class = _stdlib_handlers.WatchedFileHandler

    def reopenIfNeeded(self) -> None:  # noqa: N802 (stdlib name)
        """The worker reopens by itself; kept for code that calls it."""


_SUFFIXES = {
    "S": "%Y-%m-%d_%H-%M-%S",
    "M": "%Y-%m-%d_%H-%M",
    "H": "%Y-%m-%d_%H",
    "D": "%Y-%m-%d",
    "MIDNIGHT": "%Y-%m-%d",
}


class TimedRotatingFileHandler(_RotatingBase):
    """stdlib ``TimedRotatingFileHandler``: rolls over every ``interval``
    ``when`` (``S``, ``M``, ``H``, ``D``, ``MIDNIGHT``, ``W0``-``W6``;
    ``MIDNIGHT`` and ``W*`` at ``atTime``, default midnight), in local time
    unless ``utc``, renaming the file ``app.log.<start of the period>`` with
    stdlib's suffixes; ``backupCount`` keeps the newest backups. Done on the
    worker thread, correctly across daylight-saving changes; unlike stdlib
    an existing backup is never overwritten (``.1``, ``.2`` … is appended).

    ``clock`` (keyword only, for tests and simulations) replaces the system
    clock and time zone: an object with ``now()`` (seconds since the epoch)
    and ``utc_offset(at)`` (the local offset from UTC in seconds east at
    instant ``at``), called on the worker thread.

    Other encodings and ``errors`` policies, and a ``namer`` or ``rotator``
    hook, hand the file to the standard library's
    ``TimedRotatingFileHandler`` (its rules, without ``clock``), which then
    also answers ``computeRollover``, ``shouldRollover`` and
    ``getFilesToDelete``.
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        when: str = "h",
        interval: int = 1,
        backupCount: int = 0,  # noqa: N803 (stdlib names)
        encoding: str | None = None,
        delay: bool = False,
        utc: bool = False,
        atTime: Any = None,  # noqa: N803 (a datetime.time)
        errors: str | None = None,
        *,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
        clock: Any = None,
    ) -> None:
        self._clock = clock
        if clock is not None:
            self._worker_runs_python = True
        self.when = when.upper()  # checked by the engine (Python's rules and messages)
        if interval < 1 or backupCount < 0:
            raise ValueError("interval must be at least 1 and backupCount not negative")
        if not engine_writes("a", encoding, errors) or _hooked(self):
            self._inner = _stdlib_handlers.TimedRotatingFileHandler(
                filename, when, interval, backupCount, encoding, delay, utc, atTime, errors
            )
        self.suffix = _SUFFIXES.get(self.when, "%Y-%m-%d")
        self.interval = interval
        self.utc = utc
        self.atTime = atTime
        self._backup_count = backupCount
        super().__init__(
            filename, "a", encoding, delay, errors, capacity=capacity, overflow=overflow, timeout_ms=timeout_ms
        )
        self._share_hooks()

    def _stdlib_twin(self) -> _stdlib_handlers.BaseRotatingHandler:
        return _stdlib_handlers.TimedRotatingFileHandler(
            self.baseFilename,
            self.when,
            self.interval,
            self._backup_count,
            self.encoding,
            False,
            self.utc,
            self.atTime,
            self.errors,
        )

    def _description(self, delay: bool) -> dict[str, object]:
        description: dict[str, object] = {
            "class": "timed_rotating_file",
            "path": self.baseFilename,
            "delay": delay,
            "when": self.when,
            "interval": self.interval,
            "utc": self.utc,
            "backup_count": self._backup_count,
        }
        if self.atTime is not None:
            description["at_time"] = f"{self.atTime.hour}:{self.atTime.minute}:{self.atTime.second}"
        return description

    def _native_file(self, delay: bool) -> Callable[..., object]:
        if self._clock is None:
            return super()._native_file(delay)
        # A test clock is a callback: the one kind of option a description cannot carry.
        path, when, interval, utc = self.baseFilename, self.when, self.interval, self.utc
        at = None if self.atTime is None else (self.atTime.hour, self.atTime.minute, self.atTime.second)
        backups, clock = self._backup_count, self._clock
        return lambda *args: engine.timed_rotating_file_handler_new(
            path, when, interval, utc, at, backups, delay, *args, clock=clock
        )

    def computeRollover(self, currentTime: float) -> float:  # noqa: N802, N803 (stdlib names)
        """The first rollover after ``currentTime`` by the schedule: the
        engine's rules, which its worker follows."""
        if self._inner is not None:
            return float(self._inner.computeRollover(currentTime))  # type: ignore[attr-defined]
        whole = math.floor(currentTime)
        computed, _ = engine.handler_rollover_times(self._handle, whole)
        return computed + (currentTime - whole)

    @property
    def rolloverAt(self) -> float:  # noqa: N802 (stdlib name)
        """When the worker rolls the file over next (before it has opened
        the file, as stdlib computes it: from the file's time or now)."""
        if self._inner is not None:
            return float(self._inner.rolloverAt)  # type: ignore[attr-defined]
        _, next_at = engine.handler_rollover_times(self._handle, 0)
        if next_at is not None:
            return next_at
        try:
            started = os.stat(self.baseFilename).st_mtime
        except OSError:
            started = self._now()
        return self.computeRollover(int(started))

    def shouldRollover(self, record: _stdlib.LogRecord) -> bool:  # noqa: N802, ARG002 (stdlib's signature)
        """Whether a record now would roll the file over (never for what is
        not a regular file, as in stdlib)."""
        if self._inner is not None:
            return bool(self._inner.shouldRollover(record))  # type: ignore[attr-defined]
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False
        return self._now() >= self.rolloverAt

    def getFilesToDelete(self) -> list[str]:  # noqa: N802 (stdlib name)
        """The backups the next rollover removes (beyond ``backupCount``,
        oldest first), as the worker finds them."""
        if self._inner is not None:
            return list(self._inner.getFilesToDelete())  # type: ignore[attr-defined]
        return list(json.loads(engine.handler_backups_to_delete(self._handle)))

    def _now(self) -> float:
        return float(self._clock.now()) if self._clock is not None else time.time()

    @property
    def backupCount(self) -> int:  # noqa: N802 (stdlib name)
        """Backups kept; lowering it prunes the excess at the next rollover."""
        return self._backup_count

    @backupCount.setter
    def backupCount(self, value: int) -> None:  # noqa: N802
        self._backup_count = value
        if self._inner is not None:
            self._inner.backupCount = value  # type: ignore[attr-defined]
        elif self._handle:
            engine.handler_set_backup_count(self._handle, value)


class FemtoRotatingFileHandler(RotatingFileHandler):
    """The roadmap's name: ``RotatingFileHandler`` with snake-case options."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int = 0,
        backup_count: int = 0,
        mode: str = "a",
        delay: bool = False,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        super().__init__(
            path,
            mode,
            max_bytes,
            backup_count,
            delay=delay,
            capacity=capacity,
            overflow=overflow,
            timeout_ms=timeout_ms,
        )


class QueueHandler(Handler):
    """stdlib ``QueueHandler``: puts each record, prepared (message merged,
    exception text kept), on ``queue`` for a ``QueueListener``."""

    _caller_side = True

    def __init__(self, queue: queue.Queue[Any] | Any) -> None:
        super().__init__()
        self.queue = queue

    def _plan_native_writes(self) -> None:
        """``_native_puts`` when stdlib's ``handle`` → ``emit`` →
        ``prepare`` → ``enqueue`` would do nothing the native backend's
        loggers cannot do in one call: format with an engine formatter,
        make the prepared record from the call, ``put_nowait`` it under the
        lock. A format that prints ``asctime`` stays in Python (stdlib's
        ``format`` leaves it on the record the queue carries)."""
        cls = type(self)
        fmt = self.formatter
        put = getattr(getattr(self, "queue", None), "put_nowait", None)
        plain = (
            put is not None
            and cls.handle is Handler.handle
            and cls.emit is QueueHandler.emit
            and cls.prepare is QueueHandler.prepare
            and cls.enqueue is QueueHandler.enqueue
            and cls.format is Handler.format
            and not needs_python(fmt)
            and record_fields(fmt or _ENGINE_DEFAULT) <= RECORD_ATTRIBUTES - {"asctime"}
        )
        if not plain:
            self._native_puts = None
            return
        engine_formatter = (fmt or _ENGINE_DEFAULT)._handle  # type: ignore[union-attr]
        self._native_puts = (engine_formatter, put, self.lock)

    def enqueue(self, record: _stdlib.LogRecord) -> None:
        self.queue.put_nowait(record)

    def prepare(self, record: _stdlib.LogRecord) -> _stdlib.LogRecord:
        """stdlib's ``prepare``: a copy of the record with the message,
        arguments and exception text merged into ``msg``."""
        message = self.format(record)
        prepared = getattr(record, "_femto_prepared", None)
        if prepared is not None:
            return prepared(message)  # the native record does the same in one call
        record = copy.copy(record)
        record.message = message
        record.msg = message
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return record

    def emit(self, record: _stdlib.LogRecord) -> None:
        try:
            self.enqueue(self.prepare(record))  # type: ignore[arg-type]
        except Exception:
            self.handleError(record)


class QueueListener(_stdlib_handlers.QueueListener):
    """stdlib ``QueueListener`` that takes every record waiting in the queue
    at once (up to ``batch_size``) before handling them, instead of one
    ``get`` per record.

    Why: with a listener that handles one record faster than the logging
    thread makes one, stdlib's loop finds the queue empty after nearly every
    record, so each ``put`` wakes it and the two threads hand each other the
    GIL and the queue's lock once per record. Taking the whole backlog lets
    the logging thread run on while the batch is handled. From a plain
    ``queue.Queue`` the batch is taken, and marked done, in one hold of its
    lock each. A batch for femtologging's own handlers goes to each one's
    queue in one native call.
    Records are handled in queue order, ``task_done`` is called once per
    record after it is handled, and a listener whose ``dequeue`` is
    overridden keeps stdlib's one-at-a-time loop."""

    #: The most records taken from the queue before handling them.
    batch_size = 512

    def _monitor(self) -> None:
        if type(self).dequeue is not _stdlib_handlers.QueueListener.dequeue:
            super()._monitor()  # type: ignore[misc]
            return
        q = self.queue
        take = self._take_plain if type(q) is queue.Queue else self._take
        stopping = False
        while not stopping:
            try:
                records, stopping = take(q)
            except queue.Empty:  # as stdlib's loop: a queue that gives up ends it
                return
            self._handle_batch(records)
            _tasks_done(q, len(records) + stopping)

    def _take(self, q: Any) -> tuple[list[Any], bool]:
        """Waits for a record, then takes the ones behind it without
        waiting; stops at the sentinel (whether it did is returned)."""
        records = [q.get(True)]
        stopping = records[0] is self._sentinel
        while not stopping and len(records) < self.batch_size:
            try:
                record = q.get(False)
            except queue.Empty:
                break
            records.append(record)
            stopping = record is self._sentinel
        if stopping:
            records.pop()
        return records, stopping

    def _take_plain(self, q: queue.Queue[Any]) -> tuple[list[Any], bool]:
        """``_take`` for a plain ``queue.Queue``: the records in one hold of
        its lock instead of one ``get`` (two lock rounds) per record; the
        queue's own condition variables and counters stay consistent."""
        records: list[Any] = []
        stopping = False
        with q.not_empty:
            while not q._qsize():
                q.not_empty.wait()
            waiting = q.queue
            sentinel = self._sentinel
            room = max(1, self.batch_size)
            while waiting and room:
                record = waiting.popleft()
                if record is sentinel:
                    stopping = True
                    break
                records.append(record)
                room -= 1
            q.not_full.notify(len(records) + stopping)
        return records, stopping

    def _handle_batch(self, records: list[Any]) -> None:
        """``handle(record)`` for each record; in one call per handler when
        every handler is femtologging's own and ``handle``/``prepare`` are
        stdlib's (the handlers' own queues keep each one's order)."""
        default = _stdlib_handlers.QueueListener
        cls = type(self)
        if cls.handle is not default.handle or cls.prepare is not default.prepare:
            for record in records:
                self.handle(record)
            return
        handlers = self.handlers
        respect_level = self.respect_handler_level
        if all(takes_native_batches(handler) for handler in handlers):
            for handler in handlers:
                if respect_level:
                    level = handler.level
                    forward_records([r for r in records if r.levelno >= level], handler)
                else:
                    forward_records(records, handler)
            return
        # stdlib's ``handle`` (``prepare`` returns the record as it is),
        # without its two frames a record.
        for record in records:
            for handler in handlers:
                if not respect_level or record.levelno >= handler.level:
                    handler.handle(record)


def _tasks_done(q: Any, count: int) -> None:
    """``q.task_done()`` ``count`` times (if the queue has it); for a plain
    ``queue.Queue`` in one hold of its lock."""
    if type(q) is not queue.Queue:
        if hasattr(q, "task_done"):
            for _ in range(count):
                q.task_done()
        return
    with q.all_tasks_done:
        unfinished = q.unfinished_tasks - count
        if unfinished < 0:
            raise ValueError("task_done() called too many times")
        if unfinished == 0:
            q.all_tasks_done.notify_all()
        q.unfinished_tasks = unfinished


class BufferingHandler(Handler):
    """stdlib ``BufferingHandler``: keeps records in ``buffer`` until
    ``shouldFlush`` says so; subclasses decide what flushing means."""

    _caller_side = True

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
                forward_records(self.buffer, self.target)
                self.buffer.clear()

    def close(self) -> None:
        try:
            if self.flushOnClose:
                self.flush()
        finally:
            with self.lock:
                self.target = None
            Handler.close(self)


class FemtoTimedRotatingFileHandler(TimedRotatingFileHandler):
    """The roadmap's name: ``TimedRotatingFileHandler`` with snake-case options."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        when: str = "h",
        interval: int = 1,
        backup_count: int = 0,
        utc: bool = False,
        at_time: Any = None,
        delay: bool = False,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        super().__init__(
            path,
            when,
            interval,
            backup_count,
            delay=delay,
            utc=utc,
            atTime=at_time,
            capacity=capacity,
            overflow=overflow,
            timeout_ms=timeout_ms,
        )


class FemtoWatchedFileHandler(WatchedFileHandler):
    """The roadmap's name for ``WatchedFileHandler``."""
