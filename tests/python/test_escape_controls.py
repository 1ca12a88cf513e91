"""Terminal safety (issue 22): a formatter with ``escape_controls`` writes
control characters in the record's values as escapes, so a message cannot
forge a log line or drive a terminal; its own format text is left alone.
The same text comes from the engine (a handler's worker) and from
``Formatter.format`` in Python, and from a configuration file."""

from __future__ import annotations

import io

import femtologging as logging
import pytest
from femtologging import config

HOSTILE = "user input\nCRITICAL root: forged\r\x1b[2J\x1b]0;title\x07 \u0085 \u009b tab\tkept"
ESCAPED = "user input\\nCRITICAL root: forged\\r\\x1b[2J\\x1b]0;title\\x07 \\u0085 \\u009b tab\tkept"


@pytest.fixture
def logged():
    """Logs HOSTILE through a StreamHandler with ``formatter``; returns the text."""

    def log(formatter: logging.Formatter, name: str = "escape.app") -> str:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        logger = logging.getLogger(name)
        logger.propagate = False
        logger.addHandler(handler)
        try:
            logger.warning("%s", HOSTILE, extra={"client": "a\nb"})
            handler.flush()
        finally:
            logger.removeHandler(handler)
            handler.close()
        return stream.getvalue()

    return log


def test_the_worker_escapes_values_not_the_format(logged):
    text = logged(logging.Formatter("%(levelname)s\t%(message)s [%(client)s]", escape_controls=True))
    assert text == f"WARNING\t{ESCAPED} [a\\nb]\n"
    assert text.count("\n") == 1


def test_formatter_format_escapes_the_same_way():
    formatter = logging.Formatter("%(levelname)s %(message)s", escape_controls=True)
    record = logging.makeLogRecord({"msg": "%s", "args": (HOSTILE,), "levelname": "WARNING", "levelno": 30})
    assert formatter.format(record) == f"WARNING {ESCAPED}"
    brace = logging.Formatter("{message}", style="{", escape_controls=True)
    assert brace.format(record) == ESCAPED


def test_without_the_option_nothing_changes(logged):
    assert logged(logging.Formatter("%(message)s")) == HOSTILE + "\n"


def test_a_configuration_file_turns_it_on(tmp_path):
    out = tmp_path / "safe.log"
    config.load_toml(
        f"""
[formatters.safe]
format = "%(message)s"
escape_controls = true
[handlers.file]
class = "file"
path = "{out}"
formatter = "safe"
[loggers."escape.file"]
handlers = ["file"]
propagate = false
"""
    )
    logger = logging.getLogger("escape.file")
    logger.warning(HOSTILE)
    logger.handlers[0].flush()
    assert out.read_text(encoding="utf-8") == ESCAPED + "\n"
    config.dictConfig({"version": 1, "disable_existing_loggers": False})
