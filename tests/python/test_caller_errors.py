"""Errors never reach the logging call where the standard library's would
not raise (issue 22): lone surrogates, failing __str__/__repr__, garbage
exc_info, huge levels; ``raiseExceptions = False`` silences handler error
output as in the standard library."""

from __future__ import annotations

import io

import femtologging as logging
import pytest


class Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("repr fails")

    def __str__(self) -> str:
        raise RuntimeError("str fails")


# Each case, and how many lines the standard library writes for it (its
# count measured with the same setup, outside pytest, Python 3.11): a record
# that cannot be formatted is reported and not written.
CASES = {
    "surrogate in a logger name": (lambda log: logging.getLogger("caller.bad\udc80name").warning("x"), 0),
    "surrogate in the message": (lambda log: log.warning("bad \udc80 msg"), 1),
    "surrogate in extra": (lambda log: log.warning("x", extra={"k": "v\udc80"}), 1),
    "surrogate in an argument": (lambda log: log.warning("x %s", "a\udc80"), 1),
    "argument whose __str__ fails": (lambda log: log.warning("x %s", Unprintable()), 0),
    "argument whose __repr__ fails": (lambda log: log.warning("x %r", Unprintable()), 0),
    "message whose __str__ fails": (lambda log: log.warning(Unprintable()), 0),
    "extra value whose __str__ fails": (lambda log: log.warning("x", extra={"k": Unprintable()}), 1),
    "exc_info an int": (lambda log: log.warning("x", exc_info=42), 2),
    "exc_info a tuple of ints": (lambda log: log.warning("x", exc_info=(1, 2, 3)), 0),
    "level 2**64": (lambda log: log.log(2**64, "x"), 1),
    "level 2**63": (lambda log: log.log(2**63, "x"), 1),
    "level -2**70": (lambda log: log.log(-(2**70), "x"), 0),
    "isEnabledFor(2**80)": (lambda log: log.isEnabledFor(2**80), 0),
    "too few arguments": (lambda log: log.warning("%d %d", 1), 0),
}


@pytest.fixture
def logger():
    """A logger writing ``%(message)s`` to a StringIO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("caller.errors")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    yield log, handler, stream
    log.removeHandler(handler)
    handler.close()


@pytest.mark.parametrize("case", list(CASES))
def test_no_logging_call_raises_where_stdlib_does_not(logger, case, capsys):
    log, handler, stream = logger
    call, stdlib_lines = CASES[case]
    call(log)  # must not raise
    handler.flush()
    # Surrogates are written backslash-escaped (stdlib writes them raw).
    assert stream.getvalue().count("\n") == stdlib_lines
    capsys.readouterr()


def test_a_float_level_is_still_a_type_error_as_in_stdlib():
    with pytest.raises(TypeError):
        logging.getLogger("caller.float").log(10.5, "x")


REPORT = """
import io, sys
import femtologging as logging
logging.raiseExceptions = sys.argv[1] == "1"
stream = io.StringIO()
handler = logging.StreamHandler(stream)
log = logging.getLogger("closed")
log.addHandler(handler)
log.propagate = False
stream.close()
log.warning("to a closed stream")
handler.flush()
log.warning("x %s %s", 1)  # a message that cannot be built
print(handler.get_dropped(), flush=True)
"""


@pytest.mark.parametrize(("raise_exceptions", "reports"), [("1", 2), ("0", 0)])
def test_raise_exceptions_decides_whether_errors_are_printed(run_script, raise_exceptions, reports):
    result = run_script(REPORT, raise_exceptions)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count("--- Logging error ---") == reports
    assert "femtologging: handler" not in result.stderr  # reported once, the stdlib way
    if reports == 0:
        assert result.stderr == ""
