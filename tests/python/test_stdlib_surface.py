"""The standard library's surface that programs and tools use (issue 16):
the same names, behaving the same."""

from __future__ import annotations

import io
import json
import logging as stdlib
import sys
import types
import typing

import femtologging as logging
import pytest


@pytest.fixture
def logger(request):
    log = logging.getLogger(f"surface.{request.node.name}")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    yield log, out
    log.handlers = []


def test_fatal_and_the_deprecated_warn_aliases(logger):
    log, out = logger
    log.fatal("fatal %d", 1)
    with pytest.warns(DeprecationWarning, match="'warn' method is deprecated"):
        log.warn("warned %d", 2)
    assert out.getvalue().splitlines() == ["CRITICAL fatal 1", "WARNING warned 2"]
    assert logging.fatal is logging.critical
    with pytest.warns(DeprecationWarning, match="'warn' function is deprecated"):
        logging.warn("to the root")


def test_stdlib_helpers_under_their_names():
    assert issubclass(logging.BufferingFormatter, stdlib.BufferingFormatter)
    assert issubclass(logging.Filter, stdlib.Filter)
    assert logging.PercentStyle is stdlib.PercentStyle
    assert logging.Filterer is stdlib.Filterer
    assert logging._nameToLevel["WARNING"] == 30
    assert logging._levelToName[30] == "WARNING"
    logging._acquireLock()
    logging._releaseLock()
    records = [logging.makeLogRecord({"msg": f"line {i}"}) for i in range(2)]
    assert logging.BufferingFormatter().format(records) == "line 0line 1"


def test_all_lists_what_the_module_defines_as_stdlib_s_does():
    """CPython's ``check__all__``: ``__all__`` is exactly the public names
    whose module is the package (and the plain values), as in stdlib."""
    not_exported = {"logThreads", "logMultiprocessing", "logProcesses", "currentframe", "PercentStyle"}
    not_exported |= {"StrFormatStyle", "StringTemplateStyle", "Filterer", "PlaceHolder", "Manager"}
    not_exported |= {"RootLogger", "root", "threading"}
    expected = set()
    for name in dir(logging):
        value = getattr(logging, name)
        if name.startswith("_") or name in not_exported or isinstance(value, types.ModuleType):
            continue
        if getattr(value, "__module__", logging.__name__) == logging.__name__:
            expected.add(name)
    assert sorted(logging.__all__) == sorted(expected)
    assert repr(logging.Logger) == "<class 'femtologging.Logger'>"


def test_find_caller_names_the_calling_code(logger):
    log, _ = logger
    filename, line, function, stack = log.findCaller(stack_info=True)
    assert filename == __file__
    assert function == "test_find_caller_names_the_calling_code"
    assert stack.startswith("Stack (most recent call last):")


def test_make_record_and_handle_as_stdlib(logger):
    log, out = logger
    record = log.makeRecord(log.name, logging.ERROR, "f.py", 3, "made %s", ("here",), None, extra={"user": "ada"})
    assert record.user == "ada" and record.getMessage() == "made here"
    with pytest.raises(KeyError):
        log.makeRecord(log.name, logging.ERROR, "f.py", 3, "x", (), None, extra={"msg": "clash"})
    log.handle(record)
    log.disabled = True
    log.handle(record)  # a disabled logger drops it, as stdlib's does
    log.disabled = False
    assert out.getvalue().splitlines() == ["ERROR made here"]


def test_handler_names_and_locks():
    handler = logging.StreamHandler(io.StringIO())
    handler.set_name("console")
    assert handler.get_name() == handler.name == "console"
    old = handler.lock
    handler.createLock()
    assert handler.lock is not old


def test_logger_adapter_is_generic():
    alias = logging.LoggerAdapter[logging.Logger]
    assert typing.get_origin(alias) is logging.LoggerAdapter


def test_a_format_field_missing_from_the_record_is_reported_as_stdlib_does(capsys):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(missing)s %(message)s"))
    log = logging.getLogger("surface.missing")
    log.propagate = False
    log.addHandler(handler)
    try:
        log.warning("hello")
    finally:
        log.removeHandler(handler)
    err = capsys.readouterr().err
    assert out.getvalue() == ""
    assert "--- Logging error ---" in err
    assert "ValueError: Formatting field not found in record: 'missing'" in err


def test_a_handler_that_overrides_only_handle_gets_the_records(logger):
    # stdlib's loggers call handle(); a subclass may override just that.
    log, _ = logger
    seen = []

    class Recording(logging.NullHandler):
        def handle(self, record):
            seen.append(record.getMessage())

    log.addHandler(Recording())
    log.warning("one %d", 1)
    assert seen == ["one 1"]


def test_manager_disable_is_the_level_disable_set():
    try:
        logging.disable(83)
        assert logging.root.manager.disable == 83
        with pytest.raises(ValueError):
            logging.disable("doesnotexist")
    finally:
        logging.disable(logging.NOTSET)
    assert logging.root.manager.disable == 0


def test_a_message_made_by_no_handler_is_never_made(capsys):
    # stdlib makes the message only when a handler formats the record: a
    # handler that keeps records gets one whose message could not be made,
    # and nothing is reported.
    seen = []

    class Keeping(logging.NullHandler):
        def handle(self, record):
            seen.append(record)

    log = logging.getLogger("surface.unmade")
    log.propagate = False
    keeper = Keeping()
    log.addHandler(keeper)
    try:
        log.critical("one %s", 1, 2)
        log.critical("two %s", 1, 2, extra=None)
    finally:
        log.removeHandler(keeper)
    assert [(r.msg, r.args) for r in seen] == [("one %s", (1, 2)), ("two %s", (1, 2))]
    assert capsys.readouterr().err == ""


def test_an_adapter_reaches_its_logger_s_manager():
    adapter = logging.LoggerAdapter(logging.getLogger("surface.adapted"), None)
    assert adapter.manager is logging.getLogger().manager


def test_a_record_factory_makes_every_record(logger, tmp_path):
    log, out = logger
    file_handler = logging.FileHandler(tmp_path / "app.log")
    file_handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    log.addHandler(file_handler)
    log.handlers[0].setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    made = []
    default = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = default(*args, **kwargs)
        record.request_id = "r-7"
        made.append(type(record))
        return record

    logging.setLogRecordFactory(factory)
    try:
        assert logging.getLogRecordFactory() is factory
        assert logging.Logger.manager.logRecordFactory is factory
        log.info("handled %s", "fast")
        logging.getLogger(f"{log.name}.made_later").warning("child")
    finally:
        logging.setLogRecordFactory(default)
    log.info("plain again")
    file_handler.flush()
    assert made == [logging.LogRecord, logging.LogRecord]
    assert out.getvalue().splitlines()[:2] == ["r-7 handled fast", "r-7 child"]
    # The engine's file handler renders what the factory added too.
    assert (tmp_path / "app.log").read_text().splitlines()[:2] == ["r-7 handled fast", "r-7 child"]
    file_handler.close()


def test_a_logger_subclass_with_its_own_log_step_gets_every_call():
    calls = []

    class Recording(logging.Logger):
        def _log(self, level, msg, args, exc_info=None, extra=None, stack_info=False, stacklevel=1):
            calls.append((level, msg, args))

    manager = logging.Manager(None)
    with pytest.raises(TypeError):
        manager.setLoggerClass(int)
    manager.setLoggerClass(Recording)
    assert manager.loggerClass is Recording
    assert logging.getLoggerClass() is logging.Logger  # only that manager's
    recording = manager.getLogger("surface.recording")
    assert isinstance(recording, Recording)
    recording.setLevel(logging.INFO)
    recording.warning("w %d", 1)
    recording.info("i")
    recording.debug("below the level: stdlib makes no call either")
    recording.setLevel(logging.NOTSET)
    assert calls == [(logging.WARNING, "w %d", (1,)), (logging.INFO, "i", ())]


def test_root_logger_class_and_placeholders():
    assert isinstance(logging.root, logging.RootLogger)
    assert logging.getLogger() is logging.root
    assert logging.PlaceHolder is stdlib.PlaceHolder
    assert not any(isinstance(x, logging.PlaceHolder) for x in logging.Logger.manager.loggerDict.values())
    assert logging.Manager is type(logging.Logger.manager)


def test_shutdown_with_stdlib_s_handler_list_argument():
    import weakref

    called = []

    class Fake:
        def __init__(self, name, fail=None):
            self.name, self.fail = name, fail

        def __getattr__(self, step):
            def run():
                called.append(f"{self.name} {step}")
                if step == self.fail:
                    raise OSError(step)

            return run

    first, second = Fake("a"), Fake("b", fail="flush")
    logging.shutdown(handlerList=[weakref.ref(first), weakref.ref(second)])
    assert called == ["b acquire", "b flush", "b release", "a acquire", "a flush", "a close", "a release"]
    assert logging.weakref is weakref and logging.traceback is __import__("traceback")


def test_record_switches_for_threads_and_processes():
    assert (logging.logThreads, logging.logProcesses, logging.logMultiprocessing) == (True, True, True)
    record = logging.makeLogRecord({})
    assert None not in (record.thread, record.threadName, record.process, record.processName)
    try:
        logging.logThreads = logging.logProcesses = False
        logging.logMultiprocessing = False
        record = logging.makeLogRecord({})
        assert (record.thread, record.threadName, record.process, record.processName) == (None,) * 4
        assert stdlib.logThreads is False  # records made by stdlib's class follow too
    finally:
        logging.logThreads = logging.logProcesses = True
        logging.logMultiprocessing = True
    assert logging.makeLogRecord({}).processName == "MainProcess"


@pytest.mark.parametrize(("style", "expected"), [("%", "ERROR:root:e"), ("{", "ERROR:root:e"), ("$", "ERROR:root:e")])
def test_basic_config_default_format_for_each_style(style, expected):
    out = io.StringIO()
    logging.basicConfig(stream=out, style=style, force=True)
    try:
        logging.error("e")
        assert out.getvalue() == expected + "\n"
    finally:
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    with pytest.raises(ValueError, match="Style must be one of"):
        logging.basicConfig(style="?", force=True)


def test_file_config_of_a_missing_or_empty_file(tmp_path):
    import femtologging.config

    with pytest.raises(FileNotFoundError, match="doesn't exist"):
        femtologging.config.fileConfig(str(tmp_path / "missing.ini"))
    (tmp_path / "empty.ini").write_text("")
    with pytest.raises(RuntimeError, match="is an empty file"):
        femtologging.config.fileConfig(str(tmp_path / "empty.ini"))


def test_an_empty_level_name_as_stdlib_allows(logger):
    log, out = logger
    logging.addLevelName(logging.INFO, "")
    try:
        assert logging.getLevelName(logging.INFO) == ""
        log.info("unnamed")
    finally:
        logging.addLevelName(logging.INFO, "INFO")
    log.info("named")
    assert out.getvalue().splitlines() == [" unnamed", "INFO named"]


def test_a_record_without_a_level_reaches_a_file(tmp_path):
    handler = logging.FileHandler(tmp_path / "app.log")
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.handle(logging.makeLogRecord({"msg": "made by hand"}))
    handler.close()
    assert (tmp_path / "app.log").read_text() == "made by hand\n"


def test_dict_config_takes_filter_objects_and_stdlib_s_base_configurator():
    import femtologging.config

    keep = logging.Filter("surface.kept")
    femtologging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "loggers": {"surface.filtered": {"filters": [keep, lambda record: True]}},
        }
    )
    assert logging.getLogger("surface.filtered").filters[0] is keep
    assert femtologging.config.BaseConfigurator({"a": [1, 2]}).convert("cfg://a[1]") == 2


def test_a_logger_made_by_hand_stands_alone():
    class Keep(logging.Handler):
        def __init__(self):
            super().__init__()
            self.records = []

        def emit(self, record):
            self.records.append(record)

    alone = logging.Logger("surface.alone")
    assert alone.name == "surface.alone" and alone.parent is None and alone.level == logging.NOTSET
    assert "surface.alone" not in logging.Logger.manager.loggerDict
    assert logging.getLogger("surface.alone") is not alone
    assert repr(alone) == "<Logger surface.alone (NOTSET)>"
    keep = Keep()
    alone.addHandler(keep)
    alone.debug("every level %d", 1)
    alone.log(25, "custom")
    alone.setLevel(logging.WARNING)
    alone.info("below its own level")
    assert [(r.getMessage(), r.funcName) for r in keep.records] == [
        ("every level 1", "test_a_logger_made_by_hand_stands_alone"),
        ("custom", "test_a_logger_made_by_hand_stands_alone"),
    ]
    with pytest.raises(TypeError, match="level must be an integer"):
        alone.log("10", "not a level")
    # With no handler of its own: lastResort.
    quiet = logging.Logger("surface.quiet", logging.INFO)
    last_resort, out = logging.lastResort, io.StringIO()
    logging.lastResort = logging.StreamHandler(out)
    logging.lastResort.setLevel(logging.WARNING)
    try:
        quiet.warning("to the last resort")
        quiet.info("not written")
    finally:
        logging.lastResort = last_resort
    assert out.getvalue() == "to the last resort\n"
    with pytest.raises(Exception, match="cannot be pickled"):
        import pickle

        pickle.dumps(alone)

    class Mine(logging.Logger):
        def greeting(self):
            return "mine"

    mine = Mine("surface.mine", "DEBUG")
    assert isinstance(mine, Mine) and mine.greeting() == "mine" and mine.level == logging.DEBUG
    with pytest.raises(TypeError, match="must be a string"):
        logging.getLogger(any)


def test_the_last_resort_writes_to_sys_stderr_as_it_is_at_the_call(run_script):
    """stdlib's ``lastResort``: a record that reaches no handler goes to
    ``sys.stderr`` at the call (a capture sees it at once); with
    ``lastResort = None``, the "No handlers" notice, once."""
    result = run_script(
        """
        import io, json, sys
        import femtologging as logging
        log = logging.getLogger("nowhere")
        captured, sys.stderr = sys.stderr, io.StringIO()
        try:
            log.info("below WARNING: not shown")
            log.warning("shown at once")
            first = sys.stderr.getvalue()
            logging.lastResort = None
            log.warning("nothing but the notice")
            log.warning("and not twice")
            second = sys.stderr.getvalue()[len(first):]
        finally:
            sys.stderr = captured
        print(json.dumps([first, second]))
        """
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["shown at once\n", 'No handlers could be found for logger "nowhere"\n']
    assert result.stderr == ""


def test_a_file_the_engine_cannot_write_is_written_as_stdlib_writes_it(tmp_path):
    """Another encoding (or mode): the standard library's handler writes
    the file on the thread that logs, so the text is there when the call
    returns and an encoding error reaches ``handleError`` with the error."""
    path = tmp_path / "latin.log"
    handler = logging.FileHandler(path, encoding="latin-1")
    errors: list[BaseException | None] = []
    handler.handleError = lambda record: errors.append(sys.exc_info()[1])  # type: ignore[method-assign]
    log = logging.getLogger("surface.latin")
    log.propagate = False
    log.addHandler(handler)
    try:
        log.warning("Malmö")
        assert path.read_bytes() == "Malmö\n".encode("latin-1")  # no flush needed
        assert handler.stream is not None and handler.stream.encoding == "latin-1"
        log.warning("Øresund → Copenhagen")
        assert len(errors) == 1 and isinstance(errors[0], UnicodeEncodeError)
    finally:
        log.removeHandler(handler)
        handler.close()
    binary = logging.FileHandler(tmp_path / "raw.log", "wb")
    try:
        assert binary.stream.mode == "wb"  # stdlib's modes, not only "a" and "w"
    finally:
        binary.close()


def test_the_last_resort_returns_when_the_last_file_handler_goes(run_script, tmp_path):
    """When the only handler of the process (a file, on the worker) is
    removed, records meet the last resort on the calling thread again."""
    result = run_script(
        """
        import io, sys
        import femtologging as logging
        logging.basicConfig(filename=sys.argv[1], format="%(message)s")
        [handler] = logging.root.handlers
        log = logging.getLogger("emptied")
        log.warning("to the file")
        logging.root.removeHandler(handler)
        handler.close()
        captured, sys.stderr = sys.stderr, io.StringIO()
        try:
            log.warning("to the last resort")
            seen = sys.stderr.getvalue()
        finally:
            sys.stderr = captured
        print(seen, end="")
        """,
        str(tmp_path / "file.log"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "to the last resort\n"
    assert (tmp_path / "file.log").read_text() == "to the file\n"
