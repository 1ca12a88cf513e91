"""The stdlib surface implemented so far, on the active backend."""

from __future__ import annotations

import io
import os
import threading

import femtologging as logging
import pytest


@pytest.fixture
def logger(request):
    log = logging.getLogger(f"tests.{request.node.name}".replace("[", "_").replace("]", "_"))
    log.setLevel(logging.DEBUG)
    yield log
    for handler in log.handlers[:]:
        log.removeHandler(handler)
        handler.close()


@pytest.fixture
def captured(logger):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False

    def text() -> str:
        handler.flush()
        return stream.getvalue()

    return text


def test_get_logger_returns_one_logger_per_name():
    assert logging.getLogger("a.b") is logging.getLogger("a.b")
    assert logging.getLogger() is logging.root is logging.getLogger("root")
    assert logging.getLogger("a.b").parent is logging.getLogger("a")
    assert logging.getLogger("a").getChild("b") is logging.getLogger("a.b")
    assert logging.get_logger is logging.getLogger and logging.FemtoLogger is logging.Logger


@pytest.mark.parametrize("name", ["a..b", ".a", "a."])
def test_invalid_logger_names_raise_value_error(name):
    with pytest.raises(ValueError, match="invalid logger name"):
        logging.getLogger(name)


def test_levels_inherit_like_stdlib(logger):
    child = logging.getLogger(logger.name + ".child")
    assert child.level == logging.NOTSET
    assert child.getEffectiveLevel() == logging.DEBUG
    logger.setLevel("ERROR")
    assert not child.isEnabledFor(logging.WARNING)
    child.setLevel(logging.INFO)
    assert child.isEnabledFor(logging.INFO)


@pytest.mark.parametrize("bad", ["LOUD", -1])
def test_bad_levels_raise(logger, bad):
    with pytest.raises(ValueError):
        logger.setLevel(bad)


def test_messages_args_and_levels(logger, captured):
    logger.debug("plain")
    logger.info("%s=%d", "x", 3)
    logger.warning("%(k)s", {"k": "mapping"})
    logger.log(logging.ERROR, "via log")
    logger.critical("last")
    assert captured() == (
        f"DEBUG:{logger.name}:plain\nINFO:{logger.name}:x=3\nWARNING:{logger.name}:mapping\n"
        f"ERROR:{logger.name}:via log\nCRITICAL:{logger.name}:last\n"
    )


def test_disabled_levels_do_not_format(logger, captured):
    class Exploding:
        def __str__(self):
            raise AssertionError("formatted a disabled record")

    logger.setLevel(logging.WARNING)
    logger.info("%s", Exploding())
    assert captured() == ""


def test_exception_text_follows_the_message(logger, captured):
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("lookup failed")
    text = captured()
    assert text.startswith(f"ERROR:{logger.name}:lookup failed\nTraceback (most recent call last):\n")
    assert text.endswith("KeyError: 'missing'\n")


def test_caller_information(logger):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(filename)s:%(funcName)s:%(lineno)d:%(threadName)s"))
    logger.addHandler(handler)

    def helper():
        logger.info("from helper")
        logger.info("for my caller", stacklevel=2)

    helper()
    expected_line = helper.__code__.co_firstlineno + 1
    handler.flush()
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"test_logging.py:helper:{expected_line}:MainThread"
    assert lines[1].startswith("test_logging.py:test_caller_information:")


def test_thread_names_come_from_python(logger, captured):
    logger.handlers[0].setFormatter(logging.Formatter("%(threadName)s %(message)s"))
    worker = threading.Thread(target=lambda: logger.info("hi"), name="worker-7")
    worker.start()
    worker.join()
    logger.info("main")
    assert captured() == "worker-7 hi\nMainThread main\n"


def test_formatter_styles_and_bad_formats(logger):
    for fmt, style, expected in [
        ("{levelname:<8}|{message}", "{", "INFO    |m\n"),
        ("$levelname $message", "$", "INFO m\n"),
    ]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter(fmt, style=style))
        logger.addHandler(handler)
        logger.info("m")
        handler.flush()
        logger.removeHandler(handler)
        assert stream.getvalue() == expected
    with pytest.raises(ValueError):
        logging.Formatter("%(name")
    with pytest.raises(ValueError):
        logging.Formatter("x", style="?")


def test_file_handler_modes(tmp_path, logger):
    path = tmp_path / "app.log"
    path.write_text("old\n")
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    logger.info("appended")
    handler.close()
    assert path.read_text() == "old\nappended\n"
    handler = logging.FileHandler(path, mode="w")
    logger.addHandler(handler)
    logger.info("fresh")
    handler.close()
    assert path.read_text() == "fresh\n"
    assert handler.baseFilename == str(path)


def test_unopenable_file_raises_os_error(tmp_path):
    with pytest.raises(OSError, match="cannot open"):
        logging.FileHandler(tmp_path / "missing-dir" / "x.log")


def test_drop_policy_counts_every_drop(logger):
    # A file the worker writes (a pipe nobody reads yet): once the pipe and
    # the 4-record queue are full, records are dropped and counted.
    read_end, write_end = os.pipe()
    handler = logging.FileHandler(f"/proc/self/fd/{write_end}", capacity=4, overflow="drop")
    logger.addHandler(handler)
    for i in range(300):
        logger.info("record %d %s", i, "x" * 1000)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()
    handler.close()
    os.close(write_end)
    reader.join(timeout=30)
    os.close(read_end)
    lines = b"".join(chunks).decode().splitlines()
    records = [line for line in lines if line.startswith("record ")]
    assert handler.get_dropped() > 0
    assert len(records) + handler.get_dropped() == 300
    assert any("records dropped" in line for line in lines)


def test_handler_options_are_validated():
    with pytest.raises(ValueError, match="overflow"):
        logging.StreamHandler(io.StringIO(), overflow="sometimes")
    with pytest.raises(ValueError):
        logging.StreamHandler(io.StringIO(), capacity=2**30)


def test_a_python_handler_runs_on_the_calling_thread_as_in_stdlib(logger):
    # emit() runs on the caller's thread, with its context, in call order,
    # and gets msg and args as given; what it raises reaches the caller.
    import contextvars

    request = contextvars.ContextVar("request", default="none")
    seen = []

    class Recording(logging.Handler):
        def emit(self, record):
            seen.append((record.msg, record.args, threading.current_thread().name, request.get()))
            if record.args == ("boom",):
                raise RuntimeError("emit failed")

    handler = Recording(level=logging.INFO)
    logger.addHandler(handler)
    request.set("r-1")
    logger.debug("below the handler's level %s", "x")
    logger.info("fine %s", "x")
    assert seen == [("fine %s", ("x",), "MainThread", "r-1")], "done when the call returns"
    with pytest.raises(RuntimeError, match="emit failed"):
        logger.info("fails %s", "boom")
    logger.info("still fine")
    assert [args for _, args, _, _ in seen] == [("x",), ("boom",), ()]


def test_formatter_is_a_stdlib_formatter():
    import logging as stdlib

    formatter = logging.Formatter("%(levelname)s %(message)s")
    assert isinstance(formatter, stdlib.Formatter)
    record = logging.makeLogRecord({"msg": "hi %s", "args": ("there",), "levelname": "INFO"})
    assert formatter.format(record) == "INFO hi there"


@pytest.mark.parametrize("handler_kind", ["stream", "python_handler"])
def test_a_full_queue_waits_without_holding_the_gil(run_script, handler_kind):
    # The worker needs the GIL to write to a Python stream or run emit():
    # producers blocked on a full queue must not keep it (else: a hang, cut
    # short by the timeout).
    result = run_script(
        """
        import io, sys, threading
        import femtologging as logging

        stream = io.StringIO()

        class Collect(logging.Handler):
            def emit(self, record):
                stream.write(record.getMessage() + chr(10))

        kind = sys.argv[1]
        handler = logging.StreamHandler(stream, capacity=2) if kind == "stream" else Collect()
        log = logging.getLogger("gil.full")
        log.propagate = False
        log.setLevel(logging.INFO)
        log.addHandler(handler)

        def work(n):
            for i in range(8000):
                log.info("t%d %d", n, i)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        handler.flush()
        lines = stream.getvalue().splitlines()
        print(len(lines), len(set(lines)))
        """,
        handler_kind,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["24000", "24000"]


def test_a_message_that_cannot_be_built_is_reported_not_raised(run_script):
    result = run_script(
        """
        import femtologging as logging
        import sys
        handler = logging.StreamHandler(sys.stdout)
        log = logging.getLogger("bad.args")
        log.addHandler(handler)
        log.warning("count %d", "not a number")
        log.warning("too many", 1)
        log.warning("fine %s %d %%", "x", 2)
        log.warning("mapping %(a)s", {"a": 1})
        logging.raiseExceptions = False
        log.warning("quiet %d", "x")
        handler.flush()
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "fine x 2 %\nmapping 1\n"
    assert result.stderr.count("--- Logging error ---") == 2
    assert "TypeError: %d format: a real number is required, not str" in result.stderr
    assert "Message: 'count %d'\nArguments: ('not a number',)" in result.stderr
    assert "TypeError: not all arguments converted during string formatting" in result.stderr
    assert 'log.warning("too many", 1)' in result.stderr  # the call stack shows the caller


@pytest.mark.parametrize(
    ("msg", "args"),
    [
        ("%s and %s", ("a", 1)),
        ("%d%%", (-(2**63),)),
        ("%d", (2**70,)),
        ("%s", (True,)),
        ("%d", (True,)),
        ("%i %s", (3, 4.5)),
        ("%5s|%-3d|%x", ("a", 1, 255)),
        ("%r %s", ("q", None)),
        ("ünï %s ☃", ("é",)),
        ("%s", ("x\udcffy",)),
        ("%s%s", ("a", "b")),
        ("%%%s%%", ("x",)),
        ("é%dé", (-7,)),
        ("%d", (0,)),
        ("%s", (-(2**63) + 1,)),
    ],
)
def test_percent_formatting_matches_python(captured, logger, msg, args):
    logger.warning(msg, *args)
    expected = msg % args
    # A Python stream gets the text as stdlib gives it (lone surrogates too).
    assert captured() == f"WARNING:{logger.name}:{expected}\n"


def test_set_formatter_on_a_full_queue_does_not_hold_the_gil(run_script):
    # setFormatter is queued behind the records; the worker writing to a
    # Python stream needs the GIL to make room.
    result = run_script(
        """
        import io, threading
        import femtologging as logging

        stream = io.StringIO()
        handler = logging.StreamHandler(stream, capacity=2)
        log = logging.getLogger("gil.formatter")
        log.propagate = False
        log.addHandler(handler)

        def work():
            for i in range(5000):
                log.warning("record %d", i)

        thread = threading.Thread(target=work)
        thread.start()
        for i in range(300):
            handler.setFormatter(logging.Formatter(f"{i} %(message)s"))
        thread.join()
        handler.flush()
        print(len(stream.getvalue().splitlines()))
        """,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5000"]


@pytest.mark.parametrize("datefmt", [None, "%Y-%m-%d %H:%M:%S", "%H:%M %Z %%", "%j %a %b"])
@pytest.mark.parametrize("converter", ["localtime", "gmtime"])
def test_format_time_remembers_the_second_and_still_matches_stdlib(datefmt, converter):
    import logging as stdlib
    import time

    ours, theirs = logging.Formatter(datefmt=datefmt), stdlib.Formatter(datefmt=datefmt)
    ours.converter = theirs.converter = getattr(time, converter)
    instants = [1_700_000_000.0, 1_700_000_000.999, 1_700_000_001.0, 1_700_000_000.5, -1.5, -1.0, 0.25, 86_399.9]
    for created in instants + instants[::-1]:
        record = stdlib.makeLogRecord({"created": created, "msecs": (created - int(created)) * 1000})
        assert ours.formatTime(record, datefmt) == theirs.formatTime(record, datefmt), created
    ours.default_msec_format = theirs.default_msec_format = None
    record = stdlib.makeLogRecord({"created": 1_700_000_000.25, "msecs": 250.0})
    assert ours.formatTime(record) == theirs.formatTime(record)
    ours.default_time_format = theirs.default_time_format = "%H"
    assert ours.formatTime(record) == theirs.formatTime(record)


def test_the_location_appears_as_soon_as_a_format_prints_it(logger, tmp_path):
    """Calls skip finding their caller while no handler prints or reads the
    location; a format that prints it gets it from the next record on."""
    import inspect

    path = tmp_path / "where.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    logger.info("no location needed")
    handler.setFormatter(logging.Formatter("%(filename)s:%(lineno)d %(funcName)s %(message)s"))
    line = inspect.currentframe().f_lineno + 1
    logger.info("with location")
    stream = io.StringIO()
    logger.addHandler(logging.StreamHandler(stream))  # a text sink: it needs no location
    logger.warning("both")
    handler.flush()
    name = "test_logging.py"
    function = "test_the_location_appears_as_soon_as_a_format_prints_it"
    assert path.read_text().splitlines() == [
        "no location needed",
        f"{name}:{line} {function} with location",
        f"{name}:{line + 3} {function} both",
    ]
