"""``QueueHandler`` on the logging thread: under the native backend a plain
one is run without a Python frame (format, prepared record, ``put_nowait``
under the handler's lock); what reaches the queue is what stdlib's
``handle`` → ``emit`` → ``prepare`` → ``enqueue`` puts there."""

from __future__ import annotations

import io
import queue
import sys

import femtologging as logging
import pytest
from femtologging import handlers

#: Attributes that differ between two calls by nature.
MOMENT = {"created", "msecs", "relativeCreated"}


def warn(logger: logging.Logger) -> None:
    """One call site for both paths (the line is part of the record)."""
    logger.warning("record %d of %s", 7, "seven")


def attributes(record: logging.LogRecord) -> dict[str, object]:
    return {key: value for key, value in vars(record).items() if key not in MOMENT}


@pytest.mark.parametrize("fmt", [None, "%(levelname)s %(name)s %(message)s", "%(funcName)s:%(lineno)d %(message)s"])
def test_the_queued_record_is_stdlib_s_prepared_record(logger, fmt):
    plain = queue.SimpleQueue()
    handler = handlers.QueueHandler(plain)
    if fmt is not None:
        handler.setFormatter(logging.Formatter(fmt))
    assert handler._native_puts is not None
    logger.addHandler(handler)
    warn(logger)
    fast = plain.get_nowait()

    # The same handler with a filter that passes everything: stdlib's
    # algorithm in Python (`handle` → `emit` → `prepare` → `enqueue`).
    handler.addFilter(lambda record: True)
    warn(logger)
    slow = plain.get_nowait()

    assert attributes(fast) == attributes(slow)
    assert fast.msg == fast.message == fast.getMessage()
    assert fast.args is None and fast.exc_info is None and fast.exc_text is None and fast.stack_info is None
    assert fast.funcName == "warn"
    assert fast.threadName == "MainThread" and fast.levelname == "WARNING" and fast.name == logger.name
    if fmt and "lineno" in fmt:
        assert fast.msg.startswith(f"{fast.funcName}:{fast.lineno} ")
    assert plain.empty()


def test_a_full_queue_is_reported_as_stdlib_reports_it(logger, monkeypatch):
    full = queue.Queue(maxsize=1)
    handler = handlers.QueueHandler(full)
    logger.addHandler(handler)
    errors = io.StringIO()
    monkeypatch.setattr(sys, "stderr", errors)
    logger.info("fits")
    logger.info("does not fit")
    assert [full.get_nowait().msg] == ["fits"]
    report = errors.getvalue()
    assert "--- Logging error ---" in report
    assert "queue.Full" in report
    assert "does not fit" in report


def test_the_handler_s_level_and_filters_hold(logger):
    records = queue.SimpleQueue()
    handler = handlers.QueueHandler(records)
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.info("below the handler's level")
    logger.warning("kept")
    handler.addFilter(lambda record: "refused" not in record.getMessage())
    logger.warning("refused by the filter")
    logger.warning("kept again")
    assert [records.get_nowait().msg for _ in range(records.qsize())] == ["kept", "kept again"]


def test_a_new_queue_or_formatter_is_used_from_the_next_call(logger):
    first, second = queue.SimpleQueue(), queue.SimpleQueue()
    handler = handlers.QueueHandler(first)
    logger.addHandler(handler)
    logger.info("one")
    handler.queue = second
    logger.info("two")
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger.info("three")
    assert first.get_nowait().msg == "one" and first.empty()
    assert [second.get_nowait().msg for _ in range(2)] == ["two", "[INFO] three"]


class OwnPrepare(handlers.QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = super().prepare(record)
        record.prepared_by = "subclass"
        return record


class OwnEnqueue(handlers.QueueHandler):
    def enqueue(self, record: logging.LogRecord) -> None:
        record.enqueued_by = "subclass"
        super().enqueue(record)


class OwnFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return "custom " + super().format(record)


def formatted_by(formatter: logging.Formatter):
    def make(records: queue.SimpleQueue) -> handlers.QueueHandler:
        handler = handlers.QueueHandler(records)
        handler.setFormatter(formatter)
        return handler

    return make


@pytest.mark.parametrize(
    ("make", "check"),
    [
        (OwnPrepare, lambda record: record.prepared_by == "subclass"),
        (OwnEnqueue, lambda record: record.enqueued_by == "subclass"),
        (formatted_by(OwnFormatter()), lambda record: record.msg == "custom message"),
        (
            formatted_by(logging.Formatter("%(asctime)s %(message)s")),
            lambda record: record.msg == f"{record.asctime} message",
        ),
    ],
    ids=["prepare", "enqueue", "formatter subclass", "asctime"],
)
def test_what_python_must_do_stays_in_python(logger, make, check):
    records = queue.SimpleQueue()
    handler = make(records)
    assert handler._native_puts is None
    logger.addHandler(handler)
    logger.info("message")
    assert check(records.get_nowait())


def test_a_standard_library_formatter_stays_in_python(logger) -> None:
    """A `logging.Formatter` of the standard library has no engine formatter."""
    import logging as stdlib_logging

    records: queue.Queue = queue.Queue()
    handler = handlers.QueueHandler(records)
    handler.setFormatter(stdlib_logging.Formatter("%(levelname)s %(message)s"))
    assert handler._native_puts is None
    logger.addHandler(handler)
    logger.warning("hello %s", "there")
    assert records.get_nowait().msg == "WARNING hello there"


def test_a_plain_queue_stays_consistent_for_its_other_users(logger) -> None:
    """Under the native backend a plain ``queue.Queue`` is put to natively:
    its size, task count and ``join`` agree with stdlib's ``put``."""
    records: queue.Queue = queue.Queue()
    logger.addHandler(handlers.QueueHandler(records))
    for n in range(3):
        logger.info("record %d", n)
    assert records.qsize() == 3 and records.unfinished_tasks == 3
    assert [records.get_nowait().msg for _ in range(3)] == ["record 0", "record 1", "record 2"]
    for _ in range(3):
        records.task_done()
    records.join()  # returns at once: every task is done
    with pytest.raises(ValueError, match="too many times"):
        records.task_done()


def test_a_get_waiting_on_a_plain_queue_is_woken(logger) -> None:
    import threading

    records: queue.Queue = queue.Queue()
    logger.addHandler(handlers.QueueHandler(records))
    got: list[str] = []
    waiting = threading.Event()

    def take() -> None:
        waiting.set()
        got.append(records.get(timeout=10).msg)

    taker = threading.Thread(target=take)
    taker.start()
    assert waiting.wait(10)
    for _ in range(10_000):  # until the get waits on the queue (at most 10 s)
        if records.not_empty._waiters:
            break
        taker.join(0.001)
    logger.warning("wake up")
    taker.join(10)
    assert got == ["wake up"]


def test_a_queue_subclass_keeps_its_own_put_nowait(logger) -> None:
    class Counting(queue.Queue):
        puts = 0

        def put_nowait(self, item: object) -> None:
            Counting.puts += 1
            super().put_nowait(item)

    records = Counting()
    logger.addHandler(handlers.QueueHandler(records))
    logger.info("counted")
    assert Counting.puts == 1 and records.get_nowait().msg == "counted"
