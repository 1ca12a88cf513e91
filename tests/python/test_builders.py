"""Builders: the same options as the Rust builders."""

from __future__ import annotations

import datetime
import io
import json

import femtologging as logging
import pytest
from femtologging import handlers
from femtologging.builders import (
    ConfigBuilder,
    FileHandlerBuilder,
    FilterBuilder,
    FormatterBuilder,
    LoggerBuilder,
    RotatingFileHandlerBuilder,
    StreamHandlerBuilder,
    TimedRotatingFileHandlerBuilder,
)


def test_a_rotating_handler_from_its_builder_rotates(tmp_path):
    builder = (
        RotatingFileHandlerBuilder(tmp_path / "app.log")
        .max_bytes(12)
        .backup_count(1)
        .format("%(levelname)s %(message)s")
        .level("INFO")
        .capacity(64)
        .overflow("block")
        .name("rotating")
    )
    handler = builder.build()
    assert isinstance(handler, handlers.RotatingFileHandler)
    assert (handler.name, handler.level, handler.maxBytes, handler.backupCount) == ("rotating", logging.INFO, 12, 1)
    log = logging.getLogger("builders.rotating")
    log.propagate = False
    log.addHandler(handler)
    log.error("one")
    log.error("two")
    log.debug("below the handler's level")
    log.removeHandler(handler)
    handler.close()
    assert (tmp_path / "app.log").read_text() == "ERROR two\n"
    assert (tmp_path / "app.log.1").read_text() == "ERROR one\n"


def test_file_timed_and_stream_builders(tmp_path):
    watched = FileHandlerBuilder(tmp_path / "w.log").truncate().watch().build()
    assert isinstance(watched, handlers.WatchedFileHandler) and watched.mode == "w"
    timed = (
        TimedRotatingFileHandlerBuilder(tmp_path / "t.log")
        .when("midnight")
        .at_time(datetime.time(3, 30))
        .utc()
        .backup_count(7)
        .delay()
        .build()
    )
    assert isinstance(timed, handlers.TimedRotatingFileHandler)
    assert (timed.when, timed.utc, timed.backupCount) == ("MIDNIGHT", True, 7)
    assert not (tmp_path / "t.log").exists()
    stream = io.StringIO()
    handler = StreamHandlerBuilder(stream).format("{levelname}|{message}").style("{").build()
    log = logging.getLogger("builders.stream")
    log.propagate = False
    log.addHandler(handler)
    log.warning("hello")
    handler.flush()
    assert stream.getvalue() == "WARNING|hello\n"
    log.removeHandler(handler)
    for made in (watched, timed, handler):
        made.close()


def test_bad_options_raise_value_errors(tmp_path):
    with pytest.raises(ValueError):
        FileHandlerBuilder(tmp_path / "x.log").level("LOUD")
    with pytest.raises(ValueError):
        FileHandlerBuilder(tmp_path / "x.log").format("%(name").build()
    assert not (tmp_path / "x.log").exists()  # refused before anything was opened
    with pytest.raises(ValueError, match="Invalid rollover interval"):
        TimedRotatingFileHandlerBuilder(tmp_path / "t.log").when("fortnight").build()
    with pytest.raises(ValueError, match="overflow"):
        FileHandlerBuilder(tmp_path / "x.log").overflow("sometimes").build()


def test_a_whole_configuration_from_builders(tmp_path):
    (
        ConfigBuilder()
        .formatter("plain", FormatterBuilder("%(levelname)s %(name)s: %(message)s"))
        .formatter("lines", FormatterBuilder.json())
        .filter("db", FilterBuilder.name("built.db"))
        .filter("quiet", FilterBuilder.levels(max_level="INFO"))
        .handler("all", FileHandlerBuilder(tmp_path / "all.log"), formatter="plain")
        .handler("db", FileHandlerBuilder(tmp_path / "db.log").level("DEBUG"), formatter="plain", filters=["db"])
        .handler("quiet", FileHandlerBuilder(tmp_path / "quiet.log"), formatter="lines", filters=["quiet"])
        .root(LoggerBuilder().level("INFO").handlers(["all", "quiet"]))
        .logger("built", LoggerBuilder().level("DEBUG").handlers(["db"]))
        .build_and_init()
    )
    assert [h.name for h in logging.getLogger().handlers] == ["all", "quiet"]
    logging.getLogger("built.db").debug("db debug")
    logging.getLogger("built").warning("built warning")
    logging.getLogger("other").info("other info")
    for handler in [*logging.getLogger().handlers, *logging.getLogger("built").handlers]:
        handler.flush()
    assert (tmp_path / "all.log").read_text() == (
        "DEBUG built.db: db debug\nWARNING built: built warning\nINFO other: other info\n"
    )
    assert (tmp_path / "db.log").read_text() == "DEBUG built.db: db debug\n"
    quiet = [json.loads(line)["message"] for line in (tmp_path / "quiet.log").read_text().splitlines()]
    assert quiet == ["db debug", "other info"]
    ConfigBuilder().build_and_init()  # an empty configuration closes those handlers
    assert logging.getLogger().handlers == [] and logging.getLogger("built").handlers == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.handler("h", StreamHandlerBuilder(), formatter="gone"), "handlers.h.formatter: no formatter"),
        (
            lambda c: c.formatter("f", FormatterBuilder()).handler(
                "h", StreamHandlerBuilder().format("%(message)s"), formatter="f"
            ),
            "handlers.h.formatter: given together with format",
        ),
        (lambda c: c.handler("h", StreamHandlerBuilder(), filters=["gone"]), r"handlers.h.filters\[0\]: no filter"),
        (lambda c: c.root(LoggerBuilder().handlers(["gone"])), r"root.handlers\[0\]: no handler"),
        (lambda c: c.logger("a", LoggerBuilder().filters(["gone"])), r"loggers.a.filters\[0\]: no filter"),
    ],
)
def test_a_bad_whole_configuration_names_the_key(change, message):
    with pytest.raises(logging.FemtoValueError, match=message):
        change(ConfigBuilder()).build_and_init()
