"""Engine objects are owned by the Python objects over them: nothing a
user can write hands the engine a made-up handle, and no copy is left on
an engine object its original freed."""

from __future__ import annotations

import copy
import gc
import io
import pickle

import femtologging as logging
import pytest
from femtologging import handlers


@pytest.mark.parametrize("level", [logging.DEBUG, 0, 123456789, "INFO"])
def test_a_number_makes_a_standalone_logger_never_an_engine_handle(level):
    # stdlib's signature, Logger(name, level): a logger of its own, outside
    # the registry; the number is its level, never taken as an engine handle.
    logger = logging.Logger("ownership.app", level)
    assert logger.level == logging._levels.check_level(level)
    assert logger is not logging.getLogger("ownership.app")
    logger.critical("no handler: the last resort")


@pytest.mark.parametrize(("second", "error"), [("app", ValueError), (None, TypeError), (object(), TypeError)])
def test_anything_else_is_refused(second, error):
    with pytest.raises(error):
        logging.Logger("ownership.app", second)


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))])
def test_a_logger_copies_and_pickles_as_its_name(duplicate):
    logger = logging.getLogger("ownership.copied")
    assert duplicate(logger) is logger


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: logging.StreamHandler(io.StringIO()),
        lambda tmp: logging.FileHandler(tmp / "f.log"),
        lambda tmp: handlers.RotatingFileHandler(tmp / "r.log", maxBytes=100),
        lambda tmp: logging.NullHandler(),
    ],
)
@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, pickle.dumps])
def test_a_handler_refuses_to_be_copied(tmp_path, make, duplicate):
    handler = make(tmp_path)
    with pytest.raises(TypeError, match="cannot be copied or pickled"):
        duplicate(handler)
    handler.close()


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))])
@pytest.mark.parametrize(
    "make",
    [
        lambda: logging.Formatter("%(levelname)s:%(name)s:%(message)s"),
        lambda: logging.Formatter("{levelname}:{message}", style="{"),
        lambda: logging.JsonFormatter(),
        lambda: logging.JsonFormatter(utc=True),
    ],
)
def test_a_copied_formatter_has_its_own_engine_formatter(duplicate, make):
    original = make()
    record = logging.makeLogRecord({"msg": "hello", "levelno": 30, "levelname": "WARNING", "name": "own"})
    expected = original.format(record)
    copied = duplicate(original)
    del original
    gc.collect()
    assert copied.format(record) == expected
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(copied)
    logger = logging.getLogger("ownership.formatted")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("hello")
        handler.flush()
        line = stream.getvalue()
    finally:
        logger.removeHandler(handler)
        handler.close()
    if isinstance(copied, logging.JsonFormatter):
        assert '"message":"hello"' in line
    else:
        assert line == expected.replace("own", "ownership.formatted") + "\n"
