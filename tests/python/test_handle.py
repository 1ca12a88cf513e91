"""``handler.handle(record)``: what a ``QueueListener``, a ``MemoryHandler``
or a caller uses to give a record to one handler. On the native backend
femtologging's own handlers take it in one native call when they have no
filters; every other case runs ``Handler.handle`` (same results)."""

from __future__ import annotations

import io
import logging as stdlib
import queue

import femtologging as logging
import pytest
from femtologging import handlers


@pytest.fixture
def stream_handler():
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    yield handler, text
    handler.close()


def written(handler: logging.Handler, text: io.StringIO) -> str:
    handler.flush()
    return text.getvalue()


@pytest.mark.parametrize(
    "make_record",
    [
        pytest.param(logging.LogRecord, id="femtologging record"),
        pytest.param(stdlib.LogRecord, id="stdlib record"),
    ],
)
def test_a_record_is_written_once(stream_handler, make_record):
    handler, text = stream_handler
    record = make_record("test.handle", logging.WARNING, __file__, 1, "n=%d", (7,), None)
    assert handler.handle(record) is True
    assert written(handler, text) == "WARNING test.handle n=7\n"


def test_filters_decide(stream_handler):
    handler, text = stream_handler
    handler.addFilter(lambda record: record.getMessage() != "drop me")
    results = [
        handler.handle(logging.LogRecord("test.handle", logging.INFO, __file__, 1, message, None, None))
        for message in ("keep me", "drop me", "keep me too")
    ]
    assert results == [True, False, True]
    assert written(handler, text) == "INFO test.handle keep me\nINFO test.handle keep me too\n"


def test_a_subclass_with_its_own_emit_gets_the_record():
    class Upper(logging.StreamHandler):
        def emit(self, record: logging.LogRecord) -> None:
            self.stream.write(self.format(record).upper() + "\n")

    text = io.StringIO()
    handler = Upper(text)
    try:
        handler.handle(logging.LogRecord("test.handle", logging.INFO, __file__, 1, "quiet", None, None))
        assert text.getvalue() == "QUIET\n"
    finally:
        handler.close()


@pytest.mark.skipif(logging.BACKEND != "native", reason="the native method is the native backend's")
def test_the_native_backend_takes_records_without_a_python_frame():
    assert type(vars(logging.StreamHandler)["handle"]).__name__ == "method_descriptor"


def test_records_handed_to_a_closed_handler_are_counted_as_dropped(tmp_path):
    handler = logging.FileHandler(str(tmp_path / "closed.log"))
    handler.close()
    for _ in range(3):
        handler.handle(logging.LogRecord("test.handle", logging.INFO, __file__, 1, "late", None, None))
    assert handler.get_dropped() == 3
    assert (tmp_path / "closed.log").read_text() == ""


def test_a_closed_handler_on_a_python_stream_still_writes_as_stdlib(stream_handler):
    # stdlib's StreamHandler.close leaves the stream open, and so its emit works.
    handler, text = stream_handler
    handler.close()
    handler.handle(logging.LogRecord("test.handle", logging.INFO, __file__, 1, "late", None, None))
    assert text.getvalue() == "INFO test.handle late\n"


def test_a_queue_listener_delivers_every_record_in_order(stream_handler):
    handler, text = stream_handler
    records: queue.Queue = queue.Queue()
    listener = handlers.QueueListener(records, handler)
    logger = logging.getLogger("test.handle.listener")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    queue_handler = handlers.QueueHandler(records)
    logger.addHandler(queue_handler)
    listener.start()
    try:
        for i in range(2000):
            logger.info("record %d", i)
    finally:
        listener.stop()
        logger.removeHandler(queue_handler)
    lines = written(handler, text).splitlines()
    assert lines == [f"INFO test.handle.listener record {i}" for i in range(2000)]


def test_each_record_is_written_under_its_own_logger_s_name(stream_handler):
    """Records of several loggers, one after the other, and a record whose
    name changed after it was made: each line names its record's logger."""
    handler, text = stream_handler
    first, second = logging.getLogger("test.handle.first"), logging.getLogger("test.handle.second")
    records = [
        logging.LogRecord(logger.name, logging.INFO, __file__, 1, "from %s", (tag,), None)
        for logger, tag in ((first, "a"), (second, "b"), (first, "c"))
    ]
    renamed = logging.LogRecord(first.name, logging.INFO, __file__, 1, "renamed", None, None)
    renamed.name = "test.handle.renamed"
    for record in [*records, renamed]:
        assert handler.handle(record) is True
    assert written(handler, text).splitlines() == [
        "INFO test.handle.first from a",
        "INFO test.handle.second from b",
        "INFO test.handle.first from c",
        "INFO test.handle.renamed renamed",
    ]
