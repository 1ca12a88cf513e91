"""``femtologging.handlers.QueueListener``: stdlib's listener, taking every
waiting record at once. These check that batching changes nothing a user
can see: order, counts, the sentinel, ``task_done``, handler levels, and
the overridable methods."""

from __future__ import annotations

import contextlib
import io
import logging as stdlib
import logging.handlers as stdlib_handlers
import queue
import threading
import time
from collections.abc import Iterator

import femtologging as logging
import pytest
from femtologging import handlers


def make_record(i: int, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("test.listener", level, __file__, 1, "record %d", (i,), None)


class Collecting(logging.Handler):
    """A Python handler: keeps (its name, message) in a shared list."""

    def __init__(self, name: str, seen: list[tuple[str, str]], level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.label = name
        self.seen = seen

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((self.label, record.getMessage()))


@pytest.fixture
def stream_handler():
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    yield handler, text
    handler.close()


def run_listener(listener: handlers.QueueListener) -> None:
    """Starts the listener on what is queued and waits for it to stop."""
    listener.start()
    listener.stop()


def test_it_is_a_stdlib_queue_listener():
    assert issubclass(handlers.QueueListener, stdlib_handlers.QueueListener)


@contextlib.contextmanager
def listening(name: str, target: logging.Handler) -> Iterator[logging.Logger]:
    """A logger with a ``QueueHandler`` whose queue a running listener hands
    to ``target``; the listener is stopped on leaving."""
    records: queue.Queue = queue.Queue()
    listener = handlers.QueueListener(records, target)
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    queue_handler = handlers.QueueHandler(records)
    logger.addHandler(queue_handler)
    listener.start()
    try:
        yield logger
    finally:
        listener.stop()
        logger.removeHandler(queue_handler)


def test_a_logging_thread_and_the_listener_lose_nothing(stream_handler):
    handler, text = stream_handler
    with listening("test.listener.concurrent", handler) as logger:
        for i in range(20_000):
            logger.info("record %d", i)
    handler.flush()
    assert text.getvalue().splitlines() == [f"INFO record {i}" for i in range(20_000)]


def test_batches_are_bounded_and_cover_every_record(stream_handler, monkeypatch):
    handler, text = stream_handler
    records: queue.Queue = queue.Queue()
    for i in range(100):
        records.put(make_record(i))
    listener = handlers.QueueListener(records, handler)
    listener.batch_size = 7
    sizes: list[int] = []
    handle_batch = handlers.QueueListener._handle_batch

    def counting(self: handlers.QueueListener, batch: list[logging.LogRecord]) -> None:
        sizes.append(len(batch))
        handle_batch(self, batch)

    monkeypatch.setattr(handlers.QueueListener, "_handle_batch", counting)
    run_listener(listener)
    handler.flush()
    assert sum(sizes) == 100
    assert max(sizes) == 7
    assert text.getvalue().splitlines() == [f"INFO record {i}" for i in range(100)]


class MyQueue(queue.Queue):
    """A subclass: the listener takes its records through ``get``."""


@pytest.mark.parametrize(
    "make_queue",
    [
        pytest.param(lambda: queue.Queue(maxsize=4), id="bounded Queue"),
        pytest.param(queue.SimpleQueue, id="SimpleQueue"),
        pytest.param(lambda: MyQueue(maxsize=4), id="Queue subclass"),
    ],
)
def test_producers_blocked_on_a_full_queue_are_woken(stream_handler, make_queue):
    handler, text = stream_handler
    records = make_queue()
    listener = handlers.QueueListener(records, handler)
    listener.start()

    def produce(first: int) -> None:
        for i in range(first, first + 2_000):
            records.put(make_record(i))  # blocks while the bounded queue is full

    producers = [threading.Thread(target=produce, args=(first,)) for first in (0, 2_000)]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join(timeout=60)
        assert not producer.is_alive()
    deadline = time.monotonic() + 60
    while records.qsize() and time.monotonic() < deadline:
        time.sleep(0.001)  # stop() puts its sentinel without waiting for room
    listener.stop()
    handler.flush()
    lines = text.getvalue().splitlines()
    assert sorted(lines) == sorted(f"INFO record {i}" for i in range(4_000))
    assert [line for line in lines if int(line.split()[-1]) < 2_000] == [f"INFO record {i}" for i in range(2_000)]


def test_records_after_the_sentinel_stay_queued(stream_handler):
    handler, text = stream_handler
    records: queue.Queue = queue.Queue()
    for i in range(5):
        records.put(make_record(i))
    records.put(handlers.QueueListener._sentinel)
    for i in range(5, 8):
        records.put(make_record(i))
    listener = handlers.QueueListener(records, handler)
    listener.start()
    assert listener._thread is not None
    listener._thread.join(timeout=30)
    assert not listener._thread.is_alive()
    handler.flush()
    assert text.getvalue().splitlines() == [f"INFO record {i}" for i in range(5)]
    assert [records.get_nowait().getMessage() for _ in range(3)] == ["record 5", "record 6", "record 7"]
    assert records.empty()


def test_every_record_is_marked_done(stream_handler):
    handler, _ = stream_handler
    records: queue.Queue = queue.Queue()
    for i in range(50):
        records.put(make_record(i))
    run_listener(handlers.QueueListener(records, handler))
    assert records.unfinished_tasks == 0
    records.join()  # returns at once: every record (and the sentinel) is done


def test_python_handlers_see_records_in_stdlib_order():
    def delivered(listener_class: type) -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        records: queue.Queue = queue.Queue()
        for i in range(4):
            records.put(make_record(i))
        run_listener(listener_class(records, Collecting("a", seen), Collecting("b", seen)))
        return seen

    ours = delivered(handlers.QueueListener)
    assert ours == delivered(stdlib_handlers.QueueListener)
    assert ours[:4] == [("a", "record 0"), ("b", "record 0"), ("a", "record 1"), ("b", "record 1")]


@pytest.mark.parametrize("respect", [False, True])
def test_handler_levels_as_stdlib(respect):
    seen: list[tuple[str, str]] = []
    text = io.StringIO()
    native = logging.StreamHandler(text)
    native.setLevel(logging.WARNING)
    native.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    records: queue.Queue = queue.Queue()
    for i, level in enumerate((logging.INFO, logging.WARNING, logging.DEBUG, logging.ERROR)):
        records.put(make_record(i, level))
    python_handler = Collecting("python", seen, logging.WARNING)
    run_listener(handlers.QueueListener(records, native, python_handler, respect_handler_level=respect))
    native.flush()
    native.close()
    # A handler writing a Python stream is stdlib's: handle() ignores its level.
    expected = ["record 1", "record 3"] if respect else [f"record {i}" for i in range(4)]
    levels = ["INFO", "WARNING", "DEBUG", "ERROR"]
    assert text.getvalue().splitlines() == [f"{levels[int(m[-1])]} {m}" for m in expected]
    assert [message for _, message in seen] == expected


@pytest.mark.parametrize("respect", [False, True])
def test_handler_levels_when_every_handler_is_femtologging_s(respect, tmp_path):
    # Handlers the engine writes for (files) always apply their level
    # (docs/migration.md), on the fast path for batches of records too.
    paths = [tmp_path / "error.log", tmp_path / "all.log"]
    targets = [logging.FileHandler(str(path)) for path in paths]
    targets[0].setLevel(logging.ERROR)
    records: queue.Queue = queue.Queue()
    for i, level in enumerate((logging.INFO, logging.WARNING, logging.DEBUG, logging.ERROR)):
        records.put(make_record(i, level))
    run_listener(handlers.QueueListener(records, *targets, respect_handler_level=respect))
    for target in targets:
        target.close()
    assert paths[0].read_text().splitlines() == ["record 3"]
    assert paths[1].read_text().splitlines() == [f"record {i}" for i in range(4)]


def test_an_overridden_dequeue_keeps_the_one_at_a_time_loop():
    seen: list[tuple[str, str]] = []
    calls: list[bool] = []

    class Counting(handlers.QueueListener):
        def dequeue(self, block: bool) -> logging.LogRecord:
            calls.append(block)
            return super().dequeue(block)

    records: queue.Queue = queue.Queue()
    for i in range(10):
        records.put(make_record(i))
    run_listener(Counting(records, Collecting("only", seen)))
    assert calls == [True] * 11  # ten records and the sentinel, one call each
    assert [message for _, message in seen] == [f"record {i}" for i in range(10)]


def test_overridden_prepare_and_handle_still_run_per_record(stream_handler):
    handler, text = stream_handler
    prepared: list[str] = []

    class Tagging(handlers.QueueListener):
        def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
            prepared.append(record.getMessage())
            record.msg = "tagged " + record.msg
            return record

    records: queue.Queue = queue.Queue()
    for i in range(3):
        records.put(make_record(i))
    run_listener(Tagging(records, handler))
    handler.flush()
    assert prepared == ["record 0", "record 1", "record 2"]
    assert text.getvalue().splitlines() == [f"INFO tagged record {i}" for i in range(3)]


def test_records_from_several_threads_all_arrive(stream_handler):
    handler, text = stream_handler
    with listening("test.listener.threads", handler) as logger:

        def log(thread: int) -> None:
            for i in range(5_000):
                logger.info("%d %d", thread, i)

        threads = [threading.Thread(target=log, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    handler.flush()
    lines = text.getvalue().splitlines()
    assert len(lines) == 20_000
    for t in range(4):
        assert [line for line in lines if line.startswith(f"INFO {t} ")] == [f"INFO {t} {i}" for i in range(5_000)]


def test_stdlib_records_reach_femtologging_handlers(stream_handler):
    handler, text = stream_handler
    records: queue.Queue = queue.Queue()
    for i in range(3):
        records.put(stdlib.LogRecord("stdlib.side", stdlib.ERROR, __file__, 1, "n=%d", (i,), None))
    run_listener(handlers.QueueListener(records, handler))
    handler.flush()
    assert text.getvalue().splitlines() == [f"ERROR n={i}" for i in range(3)]
