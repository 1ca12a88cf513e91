"""``LogRecord`` and ``Formatter.format``: femtologging's record (native
under the PyO3 backend, stdlib's under cffi) behaves as stdlib's, and the
native rendering of a format prints exactly what stdlib prints."""

from __future__ import annotations

import copy
import gc
import io
import logging as stdlib
import pickle
import sys
import threading
import weakref

import femtologging
import pytest

ARGS = ("app.db", femtologging.INFO, "/srv/app/module.py", 42, "user %s took %d ms", ("ann", 12), None)

#: Attributes that depend on the moment or the object, not on the arguments.
TIMING = {"created", "msecs", "relativeCreated"}


def both_records(*args: object, **kwargs: object) -> tuple[stdlib.LogRecord, stdlib.LogRecord]:
    return stdlib.LogRecord(*args, **kwargs), femtologging.LogRecord(*args, **kwargs)  # type: ignore[arg-type]


def test_attributes_match_stdlib() -> None:
    expected, record = both_records(*ARGS, func="handler", sinfo="Stack (most recent call last):")
    assert record.__dict__.keys() == expected.__dict__.keys()
    for key, value in expected.__dict__.items():
        if key not in TIMING:
            assert getattr(record, key) == value, key
    assert abs(record.created - expected.created) < 5
    assert record.msecs == int(record.msecs) and 0 <= record.msecs < 1000
    assert record.getMessage() == "user ann took 12 ms"
    assert record.threadName == threading.current_thread().name
    assert isinstance(record, femtologging.LogRecord)


def test_msecs_is_the_whole_milliseconds_of_created_as_a_float() -> None:
    for _ in range(50):
        record = femtologging.LogRecord(*ARGS)
        assert type(record.msecs) is float
        assert record.msecs == int(record.msecs)
        assert abs(record.msecs - (record.created - int(record.created)) * 1000) < 1.0


def test_each_thread_s_records_carry_its_own_id_and_name() -> None:
    # A thread's id is kept per thread, made once: records made on other
    # threads, before and after, must not share it.
    seen: dict[str, tuple[object, object]] = {}

    def make(name: str) -> None:
        record = femtologging.LogRecord(*ARGS)
        seen[name] = (record.thread, record.threadName)

    make("main before")
    workers = [threading.Thread(target=make, args=(f"worker {n}",), name=f"worker {n}") for n in range(3)]
    for worker in workers:
        worker.start()
        worker.join()
    make("main after")
    assert seen["main before"] == seen["main after"] == (threading.get_ident(), threading.current_thread().name)
    for n, worker in enumerate(workers):
        assert seen[f"worker {n}"] == (worker.ident, f"worker {n}")


def test_a_freed_record_releases_what_its_fields_held() -> None:
    """Every field's reference goes when the record does (the fields are
    released together, not one by one)."""

    class Held:
        pass

    held = [Held() for _ in range(4)]
    refs = [weakref.ref(value) for value in held]
    record = femtologging.LogRecord("x", 20, "p.py", 1, held[0], (held[1],), None, func=None, sinfo=None)
    record.exc_info = held[2]
    record.message = held[3]
    del held
    assert all(ref() is not None for ref in refs)
    del record
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None, None]


@pytest.mark.parametrize(
    ("msg", "args", "message"),
    [
        ("%(user)s", ({"user": "ann"},), "ann"),
        ("plain", (), "plain"),
        ("%s", ([1, 2],), "[1, 2]"),
        ("%d%%", (5,), "5%"),
        (42, None, "42"),
        ("%s", ({},), "{}"),
    ],
)
def test_get_message_matches_stdlib(msg: object, args: object, message: str) -> None:
    expected, record = both_records("x", 20, "p.py", 1, msg, args, None)
    assert record.getMessage() == expected.getMessage() == message
    assert record.args == expected.args


@pytest.mark.parametrize(
    ("pathname", "filename", "module"),
    [
        ("/a/b/c.py", "c.py", "c"),
        ("c", "c", "c"),
        ("/a/.hidden", ".hidden", ".hidden"),
        ("x.tar.gz", "x.tar.gz", "x.tar"),
    ],
)
def test_file_name_parts(pathname: str, filename: str, module: str) -> None:
    expected, record = both_records("x", 20, pathname, 1, "m", (), None)
    assert (record.filename, record.module) == (expected.filename, expected.module) == (filename, module)


def test_unknown_level_and_odd_path() -> None:
    expected, record = both_records("x", 33, None, 1, "m", (), None)
    assert record.levelname == expected.levelname == "Level 33"
    assert (record.filename, record.module) == (expected.filename, expected.module)


def test_extra_attributes_live_in_the_instance_dictionary() -> None:
    record = femtologging.LogRecord(*ARGS)
    record.user = "ann"
    record.msg = "changed"
    attributes = record.__dict__
    assert attributes["user"] == "ann" and attributes["msg"] == "changed"
    assert vars(record)["user"] == "ann"
    with pytest.raises(AttributeError):
        _ = record.message  # set by a formatter only
    with pytest.raises(AttributeError):
        _ = record.not_there


def test_pickle_and_copy_keep_every_attribute() -> None:
    record = femtologging.LogRecord(*ARGS)
    record.user = "ann"
    for clone in (pickle.loads(pickle.dumps(record)), copy.copy(record)):
        assert type(clone) is type(record)
        assert clone.__dict__ == record.__dict__
        assert clone.getMessage() == record.getMessage()


def test_copies_are_independent_and_keep_the_class() -> None:
    class Custom(femtologging.LogRecord):
        pass

    for record in (femtologging.LogRecord(*ARGS), Custom(*ARGS)):
        record.user = "ann"
        record.message = "formatted"
        clone = copy.copy(record)
        assert type(clone) is type(record)
        assert (clone.user, clone.message, clone.args) == ("ann", "formatted", record.args)
        clone.msg, clone.user = "changed", "bob"
        assert (record.msg, record.user) == (ARGS[4], "ann")


def test_format_is_stdlibs_method_whichever_way_it_is_called() -> None:
    record = femtologging.LogRecord(*ARGS)
    formatter = femtologging.Formatter("%(levelname)s %(message)s")
    assert formatter.format(record) == "INFO user ann took 12 ms"
    assert formatter.format(record=record) == "INFO user ann took 12 ms"
    assert femtologging.Formatter.format(formatter, record) == "INFO user ann took 12 ms"
    with pytest.raises(TypeError):
        formatter.format(record, 1)

    class Bracketed(femtologging.Formatter):
        def format(self, record: stdlib.LogRecord) -> str:
            return f"[{super().format(record)}]"

    assert Bracketed("%(message)s").format(record) == "[user ann took 12 ms]"


def test_make_log_record() -> None:
    record = femtologging.makeLogRecord({"msg": "hello %s", "args": ("you",), "levelno": 30, "custom": 1})
    assert isinstance(record, femtologging.LogRecord)
    assert record.getMessage() == "hello you" and record.custom == 1 and record.levelno == 30


def test_repr_matches_stdlib() -> None:
    expected, record = both_records(*ARGS)
    assert repr(record) == repr(expected).replace(type(expected).__name__, "LogRecord", 1)


FORMATS = [
    "%(levelname)s %(name)s %(module)s:%(lineno)d %(message)s",
    "%(asctime)s %(levelname)-8s [%(name)10s] %(message)s",
    "%(lineno)05d|%(lineno)-5d|%(levelno)i %% %(process)d",
    "%(created)f %(msecs)03d %(relativeCreated).1f %(thread)x",
    "%(name)r %(msg)a %(args)s %(funcName)s %(user)s",
    "%(message).4s|%(levelname)+8s|%(stack_info)s",
    "plain %% text: %(message)s",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("datefmt", [None, "%H:%M:%S"])
def test_formatter_prints_what_stdlib_prints(fmt: str, datefmt: str | None) -> None:
    record = femtologging.LogRecord(*ARGS, func="handler")
    record.user = "ann"
    ours = femtologging.Formatter(fmt, datefmt).format(record)
    theirs = stdlib.Formatter(fmt, datefmt).format(record)
    assert ours == theirs
    assert record.message == "user ann took 12 ms"


def test_formatter_appends_exception_and_stack_as_stdlib() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = femtologging.LogRecord("x", 40, "p.py", 1, "failed", (), exc_info, sinfo="Stack: here")
    fmt = "%(levelname)s %(message)s"
    assert femtologging.Formatter(fmt).format(record) == stdlib.Formatter(fmt).format(record)
    assert "ValueError: boom" in record.exc_text


def test_missing_field_raises_as_stdlib() -> None:
    record = femtologging.LogRecord(*ARGS)
    with pytest.raises(ValueError, match="Formatting field not found in record: 'nope'"):
        femtologging.Formatter("%(nope)s").format(record)


def test_a_value_whose_str_sets_the_record_formats_as_stdlib() -> None:
    """A value's ``__str__`` is Python code: it may set the record's fields
    while the record is being formatted."""

    class Sets:
        def __init__(self, record: stdlib.LogRecord) -> None:
            self.record = record

        def __str__(self) -> str:
            self.record.levelname = "CHANGED"
            return "sets"

    fmt = "%(user)s %(levelname)s %(message)s"
    ours_record = femtologging.LogRecord(*ARGS)
    ours_record.user = Sets(ours_record)
    theirs_record = stdlib.LogRecord(*ARGS)
    theirs_record.user = Sets(theirs_record)
    ours = femtologging.Formatter(fmt).format(ours_record)
    assert ours == stdlib.Formatter(fmt).format(theirs_record)
    assert ours == "sets CHANGED user ann took 12 ms"


class _SetsOnUse:
    """A value whose ``__str__``, ``__bool__`` and ``__index__`` set an
    attribute of the record that holds it, as Python code may."""

    record: stdlib.LogRecord | None = None

    def _set(self) -> None:
        assert self.record is not None
        self.record.levelname = "CHANGED"

    def __str__(self) -> str:
        self._set()
        return "sets"

    def __bool__(self) -> bool:
        self._set()
        return False

    def __index__(self) -> int:
        self._set()
        return 7


def _with_sets_on_use(make: type[stdlib.LogRecord], field: str) -> stdlib.LogRecord:
    value = _SetsOnUse()
    record = make(*ARGS)
    setattr(record, field, value)
    if field == "msg":
        record.args = ()
    value.record = record
    return record


@pytest.mark.parametrize(
    ("field", "use"),
    [
        ("msg", lambda record: record.getMessage()),
        ("msg", lambda record: femtologging.Formatter("%(levelname)s %(message)s").format(record)),
        ("msg", repr),
    ],
    ids=["getMessage", "format", "repr"],
)
def test_python_code_run_while_reading_a_record_may_set_its_attributes(field: str, use: object) -> None:
    """stdlib lets that code set the record's attributes; so does ours (the
    fields are read before the code runs, not borrowed across it)."""
    theirs = _with_sets_on_use(stdlib.LogRecord, field)
    ours = _with_sets_on_use(femtologging.LogRecord, field)
    assert use(ours) == use(theirs)  # type: ignore[operator]
    assert ours.levelname == theirs.levelname == "CHANGED"


def test_an_exception_field_whose_truth_test_sets_the_record_does_not_break_format() -> None:
    """(stdlib tests ``exc_info`` after rendering the line, ours before: the
    line may show the change, but no error.)"""
    record = _with_sets_on_use(femtologging.LogRecord, "exc_info")
    assert femtologging.Formatter("%(message)s").format(record) == "user ann took 12 ms"
    assert record.levelname == "CHANGED"


def test_a_handler_reading_a_field_that_runs_python_code_writes_the_record() -> None:
    stream = io.StringIO()
    handler = femtologging.StreamHandler(stream)
    handler.handle(_with_sets_on_use(femtologging.LogRecord, "lineno"))
    handler.flush()
    assert stream.getvalue() == "user ann took 12 ms\n"


def test_a_number_conversion_of_text_raises_as_stdlib() -> None:
    message = "%d format: a real number is required, not str"
    with pytest.raises(TypeError, match=message):
        stdlib.Formatter("%(name)d").format(stdlib.LogRecord(*ARGS))
    with pytest.raises(TypeError, match=message):
        femtologging.Formatter("%(name)d").format(femtologging.LogRecord(*ARGS))


def test_changed_style_format_is_followed() -> None:
    formatter = femtologging.Formatter("%(message)s")
    record = femtologging.LogRecord(*ARGS)
    assert formatter.format(record) == "user ann took 12 ms"
    formatter._style._fmt = "[%(message)s]"
    assert formatter.format(record) == "[user ann took 12 ms]"


def test_overridden_methods_are_used() -> None:
    class Upper(femtologging.Formatter):
        def formatMessage(self, record: stdlib.LogRecord) -> str:  # noqa: N802
            return super().formatMessage(record).upper()

    record = femtologging.LogRecord(*ARGS)
    assert Upper("%(message)s").format(record) == "USER ANN TOOK 12 MS"


def test_python_handler_receives_package_records() -> None:
    seen: list[stdlib.LogRecord] = []

    class Collect(femtologging.Handler):
        def emit(self, record: stdlib.LogRecord) -> None:
            seen.append(record)

    logger = femtologging.getLogger("test.records.handler")
    logger.propagate = False
    handler = Collect()
    logger.addHandler(handler)
    try:
        for i in range(100):
            logger.warning("n=%d", i, extra={"user": "ann"})
        handler.flush()
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert len(seen) == 100
    assert all(type(r) is femtologging.LogRecord for r in seen)
    assert [r.getMessage() for r in seen] == [f"n={i}" for i in range(100)]
    assert {r.user for r in seen} == {"ann"}
    text = io.StringIO()
    stream = stdlib.StreamHandler(text)
    stream.setFormatter(stdlib.Formatter("%(levelname)s %(name)s %(message)s %(user)s"))
    stream.handle(seen[0])
    assert text.getvalue() == "WARNING test.records.handler n=0 ann\n"
