"""Caller-side handlers (``QueueHandler``, ``BufferingHandler``,
``MemoryHandler``): Python callers' records reach them on the logging
thread, as in the standard library; C callers' records reach them on their
worker. Every record reaches each handler exactly once."""

from __future__ import annotations

import ctypes
import functools
import io
import json
import os
import queue
import sys
import threading
import time
import types

import femtologging as logging
import pytest
from femtologging import handlers
from femtologging._logger import configuration_change


class Collector(logging.Handler):
    """A Python handler keeping what it is given (on whichever thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self) -> list[str]:
        self.flush()
        return [record.getMessage() for record in self.records]


def log_from_c(logger: logging.Logger, level: int, message: str) -> None:
    """Logs through the C ABI, as a C extension would."""
    library = ctypes.CDLL(os.path.join(logging.get_library_dir(), "libfemtologging.so"))
    library.femto_logger_get.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
    library.femto_logger_log.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_size_t]
    handle = ctypes.c_void_p()
    name = logger.name.encode()
    assert library.femto_logger_get(name, len(name), ctypes.byref(handle)) == 0
    data = message.encode()
    assert library.femto_logger_log(handle, level, data, len(data)) == 0


def test_queue_handler_puts_on_the_logging_thread(logger):
    threads = []

    class Recording(handlers.QueueHandler):
        def enqueue(self, record: logging.LogRecord) -> None:
            threads.append(threading.get_ident())
            super().enqueue(record)

    records: queue.SimpleQueue = queue.SimpleQueue()
    logger.addHandler(Recording(records))
    for i in range(3):
        logger.info("record %d", i)
    assert records.qsize() == 3  # already there: no flush needed
    assert threads == [threading.get_ident()] * 3
    assert [records.get().msg for _ in range(3)] == ["record 0", "record 1", "record 2"]


def test_stopping_the_listener_right_after_logging_loses_nothing(logger):
    stream = io.StringIO()
    target = logging.StreamHandler(stream)
    records: queue.Queue = queue.Queue()
    listener = handlers.QueueListener(records, target)
    logger.addHandler(handlers.QueueHandler(records))
    listener.start()

    def work(n: int) -> None:
        for i in range(250):
            logger.info("thread %d record %d", n, i)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    listener.stop()  # stdlib code does not flush the QueueHandler first
    target.flush()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1000
    assert len(set(lines)) == 1000
    target.close()


def test_c_and_python_records_each_reach_a_caller_side_handler_once(logger):
    collector = Collector()
    memory = handlers.MemoryHandler(1000, target=collector)
    logger.addHandler(memory)
    for i in range(5):
        logger.info("from python %d", i)
        log_from_c(logger, logging.INFO, f"from c {i}")
    memory.flush()  # waits for the C records on the worker, then hands the buffer over
    messages = collector.messages()
    assert sorted(messages) == sorted([f"from python {i}" for i in range(5)] + [f"from c {i}" for i in range(5)])
    python_records = [r for r in collector.records if r.getMessage().startswith("from python")]
    assert [r.args for r in python_records] == [(i,) for i in range(5)]  # stdlib's record: msg and args kept


def test_other_handlers_still_get_the_record_once(logger):
    stream = io.StringIO()
    logger.addHandler(logging.StreamHandler(stream))
    records: queue.SimpleQueue = queue.SimpleQueue()
    logger.addHandler(handlers.QueueHandler(records))
    logger.warning("both %s", "ways")
    logger.handlers[0].flush()
    assert stream.getvalue() == "both ways\n"
    assert records.qsize() == 1
    assert records.get().getMessage() == "both ways"


def test_reach_follows_propagation_and_handler_changes():
    parent = logging.getLogger("caller_side_tree")
    child = logging.getLogger("caller_side_tree.child")
    parent.setLevel(logging.INFO)
    records: queue.SimpleQueue = queue.SimpleQueue()
    queue_handler = handlers.QueueHandler(records)
    parent.addHandler(queue_handler)
    parent.propagate = False
    try:
        child.info("one")
        child.propagate = False
        child.info("not propagated")
        child.propagate = True
        child.info("two")
        parent.removeHandler(queue_handler)
        child.info("removed")
        with configuration_change():  # what dictConfig uses
            parent.addHandler(queue_handler)
        child.info("three")
        assert [records.get_nowait().msg for _ in range(records.qsize())] == ["one", "two", "three"]
    finally:
        parent.removeHandler(queue_handler)
        parent.propagate = True


def test_logger_filters_and_handler_levels_apply(logger):
    records: queue.SimpleQueue = queue.SimpleQueue()
    queue_handler = handlers.QueueHandler(records)
    queue_handler.setLevel(logging.WARNING)
    logger.addHandler(queue_handler)
    logger.addFilter(lambda record: "keep" in record.getMessage())
    logger.warning("keep this")
    logger.warning("drop this")
    logger.info("keep, but below the handler's level")
    assert [records.get_nowait().msg for _ in range(records.qsize())] == ["keep this"]


def test_prepare_leaves_the_original_record_to_the_next_handler(logger):
    records: queue.SimpleQueue = queue.SimpleQueue()
    logger.addHandler(handlers.QueueHandler(records))
    collector = Collector()
    memory = handlers.MemoryHandler(10, target=collector)
    logger.addHandler(memory)
    logger.info("value %d", 7, extra={"user": "ada"})
    memory.flush()
    queued = records.get_nowait()
    assert (queued.msg, queued.args, queued.user) == ("value 7", None, "ada")
    (original,) = collector.records
    assert (original.msg, original.args, original.user) == ("value %d", (7,), "ada")


def test_memory_handler_flushes_from_the_logging_thread(logger):
    stream = io.StringIO()
    target = logging.StreamHandler(stream)
    memory = handlers.MemoryHandler(2, flushLevel=logging.ERROR, target=target)
    logger.addHandler(memory)
    logger.info("a")
    logger.info("b")  # fills the buffer: flushed inside emit, under the handler's lock
    logger.info("c")
    logger.error("d")  # at flushLevel
    target.flush()
    assert stream.getvalue() == "a\nb\nc\nd\n"
    target.close()


def test_a_flushed_buffer_keeps_its_order_when_some_records_need_python(logger):
    stream = io.StringIO()
    target = logging.StreamHandler(stream)
    target.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    memory = handlers.MemoryHandler(100, target=target)
    logger.addHandler(memory)
    logger.info("first")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.warning("second", exc_info=True)  # its traceback is formatted in Python
    logger.info("third %s", "arg")
    memory.flush()
    target.flush()
    lines = [line for line in stream.getvalue().splitlines() if not line.startswith((" ", "Traceback", "ValueError"))]
    assert lines == ["INFO first", "WARNING second", "INFO third arg"]
    assert "ValueError: boom" in stream.getvalue()
    target.close()


def test_a_stream_handler_follows_every_change_from_the_next_call(logger):
    """The native backend reads a logger's stream handlers once per change:
    each change below must show in the very next record."""
    first, second = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(first)
    logger.addHandler(handler)
    logger.info("plain")
    handler.setFormatter(logging.Formatter("A %(message)s"))
    logger.info("set formatter")
    handler.formatter = logging.Formatter("B %(message)s")
    logger.info("assigned formatter")
    handler.terminator = "|\n"
    logger.info("terminator")
    handler.setStream(second)
    logger.info("set stream")
    handler.stream = first
    logger.info("assigned stream")
    handler.setLevel(logging.WARNING)
    logger.info("below the handler's level")
    handler.setLevel(logging.NOTSET)
    handler.filters.append(lambda record: "secret" not in record.getMessage())
    logger.info("a secret")
    logger.info("appended filter")
    handler.filters.clear()
    handler.formatter = logging.Formatter("%(funcName)s:%(lineno)d %(message)s")
    line = sys._getframe().f_lineno + 1
    logger.info("location")
    logger.removeHandler(handler)
    logger.info("removed")
    assert first.getvalue() == (
        "plain\nA set formatter\nB assigned formatter\nB terminator|\nB assigned stream|\nB appended filter|\n"
        f"test_a_stream_handler_follows_every_change_from_the_next_call:{line} location|\n"
    )
    assert second.getvalue() == "B set stream|\n"


class PythonWrite(io.StringIO):
    """A stream whose ``write`` is Python code."""

    def write(self, text: str) -> int:
        return super().write(text.upper())


class InheritedWrite(io.StringIO):
    """A stream whose ``write`` is StringIO's builtin, bound to a subclass."""


def list_stream():
    """(stream, its text): ``write`` is a builtin method of another object."""
    lines: list[str] = []
    return types.SimpleNamespace(write=lines.append), lambda: "".join(lines)


def partial_stream():
    """(stream, its text): ``write`` is a callable that is no builtin method."""
    lines: list[str] = []
    return types.SimpleNamespace(write=functools.partial(list.append, lines)), lambda: "".join(lines)


def text_wrapper_stream():
    """(stream, its text): a TextIOWrapper over bytes."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    return stream, lambda: (stream.flush(), raw.getvalue().decode())[1]


STREAMS = {
    "StringIO": lambda: (lambda s: (s, s.getvalue))(io.StringIO()),
    "subclass, inherited write": lambda: (lambda s: (s, s.getvalue))(InheritedWrite()),
    "subclass, Python write": lambda: (lambda s: (s, s.getvalue))(PythonWrite()),
    "list.append as write": list_stream,
    "functools.partial as write": partial_stream,
    "TextIOWrapper": text_wrapper_stream,
}


@pytest.mark.parametrize("kind", list(STREAMS))
def test_every_kind_of_stream_write_gets_each_line_once_in_order(logger, kind):
    """A builtin ``write`` taking one argument is called through its C
    function; every other through a Python call: the same lines either way."""
    stream, text = STREAMS[kind]()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    for i in range(100):
        logger.info("line %d", i)
    logger.removeHandler(handler)
    expected = "".join(f"INFO line {i}\n" for i in range(100))
    assert text() == (expected.upper() if kind == "subclass, Python write" else expected)


def test_time_and_thread_are_right_whatever_the_format_reads(logger):
    """The fast path reads the clock and the thread's name only for a
    format that prints them; a record made later in the call (a filter
    appended since) still gets both, as does a JSON line. Each handler has
    a logger of its own, so that no other format asks for them."""
    streams = {kind: io.StringIO() for kind in ("plain", "stamped", "json")}
    formats = {
        "plain": logging.Formatter("%(message)s"),
        "stamped": logging.Formatter("%(threadName)s %(created).3f %(message)s"),
        "json": logging.JsonFormatter(),
    }
    loggers = {}
    for kind, stream in streams.items():
        loggers[kind] = logging.getLogger(f"{logger.name}.{kind}")
        loggers[kind].propagate = False
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formats[kind])
        loggers[kind].addHandler(handler)
    seen: list[logging.LogRecord] = []

    def log_in(name: str) -> None:
        def log() -> None:
            for each in loggers.values():
                each.info("from %s", name)

        thread = threading.Thread(target=log, name=name)
        thread.start()
        thread.join()

    before = time.time()
    log_in("worker-1")
    loggers["plain"].handlers[0].filters.append(lambda record: seen.append(record) or True)
    log_in("worker-2")
    after = time.time()
    names = ["worker-1", "worker-2"]
    assert streams["plain"].getvalue() == "from worker-1\nfrom worker-2\n"
    for line, name in zip(streams["stamped"].getvalue().splitlines(), names, strict=True):
        thread_name, created, _ = line.split(" ", 2)
        assert thread_name == name
        assert before - 0.001 <= float(created) <= after + 0.001
    [record] = seen
    assert record.threadName == "worker-2"
    assert before <= record.created <= after
    for line, name in zip(streams["json"].getvalue().splitlines(), names, strict=True):
        fields = json.loads(line)
        assert fields["threadName"] == name, fields
        assert before - 0.001 <= fields["created"] <= after + 0.001, fields
    for each in loggers.values():
        for handler in each.handlers[:]:
            each.removeHandler(handler)


class FailingStream(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError("disk gone")


@pytest.mark.parametrize(
    "fmt",
    [
        "%(levelname)s %(name)s %(threadName)s %(funcName)s %(message)s",
        "%(asctime)s %(message)s",  # prints the time: written by Python
    ],
)
def test_handle_writes_a_record_to_a_python_stream_as_the_standard_library(logger, fmt):
    """``StreamHandler.handle(record)`` on a Python stream (a MemoryHandler's
    target, a QueueListener's handler) gives stdlib's line and leaves the
    record as stdlib's ``format`` does, with or without the native write."""
    record = logger.makeRecord(logger.name, logging.WARNING, "f.py", 7, "x=%d", (5,), None, func="fn")
    record.threadName = "elsewhere"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt, datefmt="%H:%M"))
    assert handler.handle(record) is True
    expected = logging.Formatter(fmt, datefmt="%H:%M").format(record) + "\n"
    assert stream.getvalue() == expected
    assert record.message == "x=5"
    if "asctime" not in fmt:
        assert expected == f"WARNING {logger.name} elsewhere fn x=5\n"


@pytest.mark.parametrize(
    ("stream", "msg", "args"),
    [(FailingStream(), "lost", ()), (io.StringIO(), "count %d", ("not a number",))],
    ids=["the stream fails", "the message cannot be built"],
)
def test_handle_reports_what_fails_through_handle_error(logger, stream, msg, args):
    record = logger.makeRecord(logger.name, logging.ERROR, "f.py", 7, msg, args, None)
    handler = logging.StreamHandler(stream)
    errors: list[logging.LogRecord] = []
    handler.handleError = errors.append  # type: ignore[method-assign]
    assert handler.handle(record) is True
    assert errors == [record]
    assert stream.getvalue() == ""


@pytest.mark.skipif(logging.BACKEND != "native", reason="the native handle method")
def test_handle_of_a_plain_record_writes_with_no_python_frame(logger):
    callers: list[str] = []

    class Recording(io.StringIO):
        def write(self, text: str) -> int:
            callers.append(sys._getframe(1).f_code.co_name)
            return super().write(text)

    record = logger.makeRecord(logger.name, logging.INFO, "f.py", 1, "plain", (), None)
    handler = logging.StreamHandler(Recording())
    handler.handle(record)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    handler.handle(record)
    assert callers == [sys._getframe().f_code.co_name, "emit"]


def test_handle_writes_text_utf8_cannot_hold_as_it_is(logger):
    record = logger.makeRecord(logger.name, logging.INFO, "f.py", 1, "x\udcffy %s", ("\udcfe",), None)
    stream = io.StringIO()
    logging.StreamHandler(stream).handle(record)
    assert stream.getvalue() == "x\udcffy \udcfe\n"


def test_handle_prints_the_process_of_a_record_from_another_process(logger):
    """A QueueListener's records may come from child processes: their
    process id is theirs, not the engine's."""
    record = logger.makeRecord(logger.name, logging.INFO, "f.py", 1, "from a child", (), None)
    record.process = 1
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(process)d %(message)s"))
    handler.handle(record)
    assert stream.getvalue() == "1 from a child\n"
