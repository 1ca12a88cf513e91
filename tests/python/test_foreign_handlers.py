"""Handlers that are not femtologging's (the standard library's, a third
party's, pytest's ``caplog.handler``) attach to femtologging loggers and
behave as in the standard library (issue 16)."""

from __future__ import annotations

import io
import logging as stdlib
import threading

import femtologging as logging
import pytest


@pytest.fixture
def logger(request):
    log = logging.getLogger(f"foreign.{request.node.name}")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    yield log
    log.handlers = []


def stdlib_handler(level: int = stdlib.NOTSET) -> tuple[stdlib.Handler, io.StringIO]:
    out = io.StringIO()
    handler = stdlib.StreamHandler(out)
    handler.setFormatter(stdlib.Formatter("%(levelname)s:%(name)s:%(message)s %(args)s %(threadName)s"))
    handler.setLevel(level)
    return handler, out


def test_a_stdlib_handler_gets_the_records_as_stdlib_gives_them(logger):
    handler, out = stdlib_handler(stdlib.INFO)
    logger.addHandler(handler)
    assert logger.handlers == [handler]
    logger.debug("below %s", 1)
    logger.info("shown %s", 2)
    handler.setLevel(stdlib.ERROR)  # read at every call, as stdlib does
    logger.warning("now below %s", 3)
    assert out.getvalue() == f"INFO:{logger.name}:shown 2 (2,) MainThread\n"


def test_removing_or_reassigning_it_stops_the_records(logger):
    handler, out = stdlib_handler()
    logger.addHandler(handler)
    logger.addHandler(handler)  # once, as in stdlib
    logger.warning("one")
    logger.removeHandler(handler)
    assert logger.handlers == []
    logger.warning("two")
    logger.handlers = [handler]
    logger.warning("three")
    logger.handlers.clear()
    logger.warning("four")
    assert [line.split(":")[2].split()[0] for line in out.getvalue().splitlines()] == ["one", "three"]


def test_it_runs_on_the_thread_that_logs_in_call_order(logger):
    handler, out = stdlib_handler()
    ours = logging.StreamHandler(out)
    ours.setFormatter(logging.Formatter("ours %(message)s"))
    logger.addHandler(handler)
    logger.addHandler(ours)
    thread = threading.Thread(target=lambda: logger.warning("from %s", "worker"), name="caller")
    thread.start()
    thread.join()
    logger.warning("from %s", "main")
    assert out.getvalue().splitlines() == [
        f"WARNING:{logger.name}:from worker ('worker',) caller",
        "ours from worker",
        f"WARNING:{logger.name}:from main ('main',) MainThread",
        "ours from main",
    ]


def test_its_errors_are_reported_by_its_own_handle_error(logger, capsys):
    class Failing(stdlib.Handler):
        def emit(self, record):
            try:
                raise OSError("disk gone")
            except OSError:
                self.handleError(record)

    logger.addHandler(Failing())
    logger.warning("lost %d", 1)
    err = capsys.readouterr().err
    assert "--- Logging error ---" in err
    assert "OSError: disk gone" in err
    assert "Message: 'lost %d'\nArguments: (1,)" in err


def test_pytest_caplog_handler_attached_by_hand_captures(logger, caplog):
    logger.addHandler(caplog.handler)
    logger.warning("captured %s", "here")
    assert [record.getMessage() for record in caplog.records] == ["captured here"]
    assert "captured here" in caplog.text


def test_an_object_without_handle_is_refused(logger):
    with pytest.raises(TypeError, match="not a logging handler"):
        logger.addHandler(object())
